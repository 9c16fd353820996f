-- Events that must reach people on duty (notifications/duty-dispatcher.ts): a work-list task
-- escalated or overdue, a department paused for an outage. Written where they happen (the
-- worker's activity, the API's route), delivered by the API processes' dispatcher to the
-- department's duty channels, retried until delivered, each attempt audited.
CREATE TABLE duty_notifications (
  id              bigserial   PRIMARY KEY,
  -- Names the event once: a retried producer writes nothing more.
  dedupe_key      text        NOT NULL UNIQUE,
  -- task.escalated | task.overdue | department.paused
  kind            text        NOT NULL,
  department      text        NOT NULL,
  application_id  uuid,
  -- What the duty channel is told: ids, names, times and the operator's reason; never citizen data.
  payload         jsonb       NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  attempts        integer     NOT NULL DEFAULT 0,
  -- Due from then; while a dispatcher sends it, the end of that dispatcher's lease.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  delivered_at    timestamptz,
  last_error      text
);
CREATE INDEX duty_notifications_due ON duty_notifications (next_attempt_at) WHERE delivered_at IS NULL;

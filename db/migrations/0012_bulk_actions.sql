-- Operators apply a retry or a re-send to every application matching a filter (db/bulk-actions.ts).
-- The matching steps are snapshotted when the job starts, so the job is well defined while the
-- applications change; the bulkRepair workflow works through them and records each result here.

CREATE TABLE bulk_actions (
  id                  uuid        PRIMARY KEY,
  -- retry: call the department again now; resend: submit again a case waiting for its decision.
  action              text        NOT NULL CHECK (action IN ('retry', 'resend')),
  -- Why, in the operator's words; every item's audit entry repeats it.
  reason              text        NOT NULL,
  -- The filter as applied (normalised: lists, durations in milliseconds), shown with the job.
  filter              jsonb       NOT NULL,
  -- At most this many repairs are sent in any one second.
  rate_per_second     int         NOT NULL CHECK (rate_per_second BETWEEN 1 AND 50),
  state               text        NOT NULL DEFAULT 'running'
                                  CHECK (state IN ('running', 'completed', 'cancelled')),
  -- Who started it: the API key, its name and role label; the items' audit entries name them too.
  started_by_key      text        NOT NULL,
  started_by_name     text        NOT NULL,
  started_by_role     text        NOT NULL,
  started_at          timestamptz NOT NULL DEFAULT now(),
  finished_at         timestamptz,
  -- A cancel asked for: the job stops after the item in progress, leaving the rest pending.
  cancel_requested_at timestamptz,
  cancel_reason       text,
  -- "<role> <name> (<key id>)" of whoever cancelled it.
  cancelled_by        text
);
CREATE INDEX bulk_actions_newest ON bulk_actions (started_at DESC, id DESC);

-- One (application, step) the job acts on, in the order it is worked through. No foreign key to
-- the application: the record of what was done outlives the application's data.
CREATE TABLE bulk_action_items (
  bulk_action_id uuid        NOT NULL REFERENCES bulk_actions (id) ON DELETE CASCADE,
  seq            int         NOT NULL,
  application_id uuid        NOT NULL,
  step_id        text        NOT NULL,
  department     text        NOT NULL,
  -- pending: not reached yet; done: the workflow took the repair; refused: the workflow said no
  -- (the step is no longer in progress, the application ended); failed: it could not be delivered.
  state          text        NOT NULL DEFAULT 'pending'
                             CHECK (state IN ('pending', 'done', 'refused', 'failed')),
  -- Why it was refused or failed, in the workflow's words (masked).
  result         text,
  -- When the repair was sent (the activity's clock: the throttle is checked on it) and recorded.
  sent_at        timestamptz,
  finished_at    timestamptz,
  PRIMARY KEY (bulk_action_id, seq),
  UNIQUE (bulk_action_id, application_id, step_id)
);
-- The next item to work on.
CREATE INDEX bulk_action_items_pending ON bulk_action_items (bulk_action_id, seq) WHERE state = 'pending';

-- Operators find stuck applications (db/ops-queries.ts) and every operator or clerk action is
-- kept in an append-only audit log.

-- Steps whose department call is being retried: running with the last failure recorded.
CREATE INDEX application_steps_retrying ON application_steps (started_at)
  WHERE status = 'running' AND error IS NOT NULL;
-- Unfinished steps past their promised limit.
CREATE INDEX application_steps_open_due ON application_steps (due_at)
  WHERE status IN ('pending', 'running', 'waiting') AND due_at IS NOT NULL;
-- Steps waiting (for a department's later decision, a clerk or the applicant), oldest first.
CREATE INDEX application_steps_waiting ON application_steps (updated_at) WHERE status = 'waiting';
-- Steps a department could not undo.
CREATE INDEX application_steps_compensation_failed ON application_steps (updated_at)
  WHERE error ->> 'code' = 'CompensationFailed';
-- Unfinished work-list tasks by due time (overdue ones are the stuck ones).
CREATE INDEX human_tasks_unfinished_due ON human_tasks (due_at) WHERE status <> 'completed';

-- Who did what to which application, why, when and with what result. No foreign key: the record
-- outlives the application's data.
CREATE TABLE audit_log (
  id             bigserial   PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  -- The API key that acted, and its name.
  actor_key      text        NOT NULL,
  actor_name     text        NOT NULL,
  -- The role label: operator, admin, clerk:police, …
  role           text        NOT NULL,
  -- What was done, e.g. task.claim, task.complete.
  action         text        NOT NULL,
  application_id uuid,
  step_id        text,
  -- The object acted on besides the application, e.g. the task id.
  target         text,
  -- Why, in the actor's words (a repair's justification) or the decision taken.
  reason         text,
  -- ok, or why it did not happen (a conflict code, failed).
  result         text        NOT NULL,
  -- Anything else worth keeping; never personal data in clear.
  detail         jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_application ON audit_log (application_id, at, id);
CREATE INDEX audit_log_actor ON audit_log (actor_key, at, id);

-- Append-only for real: rows can be added, never changed or removed.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

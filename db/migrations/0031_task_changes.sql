-- The work list's live view (GET /v1/tasks/events): which tasks changed after a place a reader
-- reached, the same answer from every API process.
--
-- `change_key` is the id of the transaction that last wrote the row (pg_current_xact_id), as
-- `application_events.feed_key` is for the portal feed (0022): a reader reads only keys below its
-- snapshot's xmin, where every writing transaction has ended, so no row can still appear or change
-- with such a key; a later write of a row takes a newer transaction's id, above any key read
-- before. A row written twice between two reads is read once, in its latest state.
ALTER TABLE human_tasks ADD COLUMN change_key bigint NOT NULL DEFAULT 0;

-- A trigger, not each writer: the workflow's activities, the API's claims and the operators'
-- repairs all number their changes the same way. The notification (delivered at commit, with
-- the task's department) only wakes the streams of this process; the key is what they read by.
CREATE FUNCTION human_tasks_change_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_key := pg_current_xact_id()::text::bigint;
  PERFORM pg_notify('onething_tasks', NEW.department);
  RETURN NEW;
END
$$;

CREATE TRIGGER human_tasks_change_key BEFORE INSERT OR UPDATE ON human_tasks
  FOR EACH ROW EXECUTE FUNCTION human_tasks_change_key();

CREATE INDEX human_tasks_changes ON human_tasks (change_key, id);

-- A supervisor (科室负责人) among the people who sign in: the OpenID provider's claim
-- (OIDC_SUPERVISOR_CLAIM) says so, and the console shows them their department's supervisor queue.
ALTER TABLE console_sessions ADD COLUMN person_supervisor boolean NOT NULL DEFAULT false;

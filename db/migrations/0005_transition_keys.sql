-- Transitions are now written where they happen (a department call records its own step's
-- start and decision), so the database numbers them: `seq` comes from applications.last_seq at
-- commit, and each transition carries a key that makes a retried write a no-op.
ALTER TABLE application_events ADD COLUMN dedupe_key text;
CREATE UNIQUE INDEX application_events_dedupe ON application_events (application_id, dedupe_key);

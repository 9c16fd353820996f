-- A portal's one feed of events (GET /v1/events) and the dead letters of its webhooks.

-- The feed's order. A sequence number taken at insert would not do: transactions commit in
-- another order than they take numbers, so a reader could pass a number whose row commits later,
-- and miss it. `feed_key` is the inserting transaction's id instead (pg_current_xact_id), and a
-- reader reads only keys below its snapshot's xmin: every transaction under it has ended, so no
-- row with such a key can still appear (db/portal-feed.ts). An application's events keep their
-- seq order: a key is never below the key of the application's event before it (which committed
-- first, since the application's row lock orders its writers). Rows from before this have 0.
ALTER TABLE application_events ADD COLUMN feed_key bigint NOT NULL DEFAULT 0;

CREATE FUNCTION application_events_feed_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.feed_key := GREATEST(
    pg_current_xact_id()::text::bigint,
    COALESCE((SELECT e.feed_key FROM application_events e
              WHERE e.application_id = NEW.application_id AND e.seq < NEW.seq
              ORDER BY e.seq DESC LIMIT 1), 0));
  RETURN NEW;
END
$$;

-- A trigger, not the writer's statement: every writer (and an older process during a rolling
-- upgrade) numbers the feed the same way.
CREATE TRIGGER application_events_feed_key BEFORE INSERT ON application_events
  FOR EACH ROW EXECUTE FUNCTION application_events_feed_key();

CREATE INDEX application_events_feed ON application_events (feed_key, application_id, seq);

-- "My applications": a portal's applications, newest first, without an applicant filter.
CREATE INDEX applications_client_created ON applications (client_id, created_at DESC, id DESC);

-- Deliveries given up on: an event no attempt delivered within WEBHOOK_RETRY_FOR of when it
-- happened. The portal lists them and asks for them again (replay); the dispatcher then sends
-- each once more, leased like a cursor (notifications/replays.ts).
CREATE TABLE webhook_failed_deliveries (
  id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  webhook_id          text        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  application_id      uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  seq                 integer     NOT NULL,
  -- When it was given up on (again, after a replay that failed too).
  failed_at           timestamptz NOT NULL DEFAULT now(),
  -- Failed attempts before it was given up on, replays' attempts included.
  attempts            integer     NOT NULL,
  last_status         integer,
  last_error          text,
  status              text        NOT NULL DEFAULT 'failed' CHECK (status IN ('failed', 'replaying', 'delivered')),
  -- The last replay asked for: when and by which API key (its audit entry says more).
  replay_requested_at timestamptz,
  replay_requested_by text,
  -- While replaying: when the next attempt is due, or the end of a dispatcher's lease.
  next_attempt_at     timestamptz,
  delivered_at        timestamptz,
  UNIQUE (webhook_id, application_id, seq)
);
CREATE INDEX webhook_failed_deliveries_list ON webhook_failed_deliveries (webhook_id, failed_at DESC, id DESC);
CREATE INDEX webhook_failed_deliveries_due ON webhook_failed_deliveries (next_attempt_at)
  WHERE status = 'replaying';

-- Portal webhooks and their delivery cursors. Every event of a portal's applications is POSTed
-- to each of its active webhooks, in seq order per application, at least once
-- (notifications/dispatcher.ts). Writers wake dispatchers and event streams with
-- pg_notify('onething_events', <application id>) from db/transitions.ts.

CREATE TABLE webhooks (
  -- wh_<hex>
  id          text        PRIMARY KEY,
  -- The portal client that registered it; it receives events of that client's applications only.
  client_id   text        NOT NULL,
  -- http or https, checked by the API.
  url         text        NOT NULL,
  -- Signs every delivery (HMAC-SHA256), so it is kept as issued; shown to the portal once.
  secret      text        NOT NULL,
  -- Events that happened (application_events.at) from then on are delivered.
  created_at  timestamptz NOT NULL DEFAULT now(),
  -- Set when the portal deletes it: deliveries stop, the row stays for the record.
  disabled_at timestamptz
);
CREATE INDEX webhooks_active_client ON webhooks (client_id) WHERE disabled_at IS NULL;

-- Per webhook and application: how far delivery got, and when to try the next event.
CREATE TABLE webhook_deliveries (
  webhook_id      text        NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  application_id  uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  -- The last seq the receiver acknowledged with a 2xx; the next delivery is the event after it.
  delivered_seq   integer     NOT NULL DEFAULT 0,
  -- Failed attempts at the next event since the last success; the backoff grows with it.
  attempts        integer     NOT NULL DEFAULT 0,
  -- Due from then. While a dispatcher delivers, it is the end of that dispatcher's lease;
  -- 'infinity' once the application ended and everything was delivered.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  -- The HTTP status of the last attempt; null for a network error or timeout.
  last_status     integer,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (webhook_id, application_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at);

-- Finds a portal's applications changed since one of its webhooks was registered.
CREATE INDEX applications_client_updated ON applications (client_id, updated_at);

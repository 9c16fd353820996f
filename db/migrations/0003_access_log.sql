-- Who read or received which data of an application, when and why: shown to the applicant
-- (like Estonia's Data Tracker). Append-only: rows are never updated.
CREATE TABLE access_log (
  id             bigserial   PRIMARY KEY,
  application_id uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  at             timestamptz NOT NULL DEFAULT now(),
  actor_type     text        NOT NULL CHECK (actor_type IN ('department', 'clerk', 'operator', 'admin')),
  -- The department id, or the API key (id and name) of the person.
  actor          text        NOT NULL,
  action         text        NOT NULL CHECK (action IN ('received', 'read')),
  -- The data concerned: field names, never values.
  fields         text[]      NOT NULL,
  purpose        text        NOT NULL,
  step_id        text,
  -- Makes a department's receipt for a step idempotent when its activity is retried.
  dedupe_key     text        UNIQUE
);
CREATE INDEX access_log_application ON access_log (application_id, at);

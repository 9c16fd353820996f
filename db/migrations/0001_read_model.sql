-- The read model of applications: what portals list and show, written by the workflows'
-- activities at every transition, so progress is readable even while no worker runs.

CREATE TABLE applications (
  id               uuid PRIMARY KEY,
  bundle_id        text        NOT NULL,
  bundle_version   integer     NOT NULL,
  -- The portal client that created it; idempotency keys are scoped to it.
  client_id        text        NOT NULL,
  idempotency_key  text        NOT NULL,
  -- sha256 of the canonical request body: the same key with another body is refused.
  request_hash     text        NOT NULL,
  status           text        NOT NULL CHECK (status IN
                     ('running', 'waiting', 'completed', 'partially_completed', 'rejected', 'withdrawn', 'failed')),
  -- False until Temporal accepted the workflow start; a retried request then starts it.
  workflow_started boolean     NOT NULL DEFAULT false,
  last_seq         integer     NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (client_id, idempotency_key)
);
CREATE INDEX applications_bundle_status ON applications (bundle_id, status, updated_at DESC);

CREATE TABLE application_steps (
  application_id uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  step_id        text        NOT NULL,
  position       integer     NOT NULL,
  department     text        NOT NULL,
  service        text        NOT NULL,
  title_zh       text        NOT NULL,
  title_en       text        NOT NULL,
  status         text        NOT NULL DEFAULT 'pending' CHECK (status IN
                   ('pending', 'running', 'waiting', 'completed', 'rejected', 'skipped', 'compensated', 'failed')),
  attempts       integer     NOT NULL DEFAULT 0,
  started_at     timestamptz,
  completed_at   timestamptz,
  outputs        jsonb,
  error          jsonb,
  -- The sequence number of the last transition applied; older ones arriving late are ignored.
  last_seq       integer     NOT NULL DEFAULT 0,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (application_id, step_id)
);
CREATE INDEX application_steps_department_status ON application_steps (department, status);

-- Every transition, in workflow order: the history a portal or a notifier can replay.
CREATE TABLE application_events (
  application_id uuid        NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  seq            integer     NOT NULL,
  at             timestamptz NOT NULL,
  step_id        text,
  status         text        NOT NULL,
  data           jsonb       NOT NULL DEFAULT '{}',
  PRIMARY KEY (application_id, seq)
);

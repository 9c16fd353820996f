-- API keys of portals, clerks, operators, admins and departments. Only a hash of each secret
-- is kept; the secret is shown once, when the key is created.
CREATE TABLE api_keys (
  id          text        PRIMARY KEY,
  name        text        NOT NULL,
  role        text        NOT NULL CHECK (role IN ('portal', 'operator', 'admin', 'clerk', 'department')),
  -- The portal's client id (its applications), or the department of a clerk or department key.
  scope       text,
  secret_hash text        NOT NULL UNIQUE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  CHECK ((role IN ('portal', 'clerk', 'department')) = (scope IS NOT NULL))
);

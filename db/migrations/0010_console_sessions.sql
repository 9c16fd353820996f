-- Operators' browser sessions (the console, and the Temporal UI's codec calls): a cookie instead
-- of the API key. Only a hash of each session token is kept, as for API keys.
CREATE TABLE console_sessions (
  -- sha256 of the 256-bit random token the cookie carries.
  token_hash text        PRIMARY KEY,
  -- The key the operator signed in with: revoking it ends its sessions.
  key_id     text        NOT NULL REFERENCES api_keys (id),
  -- Sent back in X-CSRF-Token with every change the cookie authenticates; not a secret on its own.
  csrf_token text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  -- Set by signing out.
  revoked_at timestamptz,
  CHECK (expires_at > created_at)
);
CREATE INDEX console_sessions_key ON console_sessions (key_id);

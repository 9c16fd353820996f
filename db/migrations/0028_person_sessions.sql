-- People sign in to the console through the organisation's OpenID provider: such a session
-- belongs to a person (the provider's subject and display name, the role and scope its claims
-- map to), not to an API key. A session has exactly one of the two.
ALTER TABLE console_sessions ALTER COLUMN key_id DROP NOT NULL;
ALTER TABLE console_sessions ADD COLUMN person_subject text;
ALTER TABLE console_sessions ADD COLUMN person_name text;
ALTER TABLE console_sessions ADD COLUMN person_role text CHECK (person_role IN ('operator', 'admin', 'clerk'));
ALTER TABLE console_sessions ADD COLUMN person_scope text;
ALTER TABLE console_sessions ADD COLUMN person_region text;
ALTER TABLE console_sessions ADD CONSTRAINT console_sessions_owner CHECK (
  (key_id IS NOT NULL AND person_subject IS NULL)
  OR (key_id IS NULL AND person_subject IS NOT NULL AND person_name IS NOT NULL AND person_role IS NOT NULL)
);
CREATE INDEX console_sessions_person ON console_sessions (person_subject) WHERE person_subject IS NOT NULL;

-- A sign-in on its way through the provider: what the callback needs to finish it. Keyed by a
-- hash of the `state` sent to the provider; bound to the browser that started it by a hash of a
-- cookie only that browser holds; used once, and only within ten minutes.
CREATE TABLE oidc_sign_ins (
  state_hash         text        PRIMARY KEY,
  browser_hash       text        NOT NULL,
  code_verifier      text        NOT NULL,
  nonce              text        NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  expires_at         timestamptz NOT NULL
);
CREATE INDEX oidc_sign_ins_expiry ON oidc_sign_ins (expires_at);

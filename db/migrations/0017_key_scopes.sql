-- Scoped operators, expiring and rotated keys. An operator key may name one department
-- (`operator:police`): it sees and repairs only that department's steps. `expires_at` ends a key
-- without a revocation (a rotated key's grace period); `replaced_by` links a rotated key to its
-- successor; `created_by` names the admin key that made it (null: the keys CLI or a dev stack).
ALTER TABLE api_keys DROP CONSTRAINT api_keys_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scope_check CHECK (
  CASE role
    WHEN 'operator' THEN true
    WHEN 'admin' THEN scope IS NULL
    ELSE scope IS NOT NULL
  END
);
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz;
ALTER TABLE api_keys ADD COLUMN replaced_by text REFERENCES api_keys (id);
ALTER TABLE api_keys ADD COLUMN created_by text;

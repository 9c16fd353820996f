-- Envelope encryption of citizen data (issue 15). Each application has its own data key (AES-256),
-- stored only wrapped (encrypted) by a key of the deployment's keyring (ENCRYPTION_KEYS), named by
-- `kek_id`. The Temporal payload codec and the read model's personal columns both encrypt with it,
-- so destroying the wrapped key (crypto-shredding) makes the history and the rows unreadable
-- together. Rotating the keyring re-wraps these rows in the background; the data is not touched.
-- No foreign key: a workflow started without an application row (tests, a repair) still gets one.
CREATE TABLE application_keys (
  application_id uuid        PRIMARY KEY,
  -- The keyring key that wraps it; NULL once erased.
  kek_id         text,
  -- iv ‖ AES-256-GCM(kek, data key, aad = application id) ‖ tag; NULL once erased.
  wrapped_key    bytea,
  created_at     timestamptz NOT NULL DEFAULT now(),
  rewrapped_at   timestamptz,
  erased_at      timestamptz,
  CHECK ((erased_at IS NULL) = (wrapped_key IS NOT NULL AND kek_id IS NOT NULL))
);
CREATE INDEX application_keys_kek ON application_keys (kek_id) WHERE erased_at IS NULL;

-- "My applications": the applicant's ID number as an HMAC under a keyring key, never in clear.
-- `<key id>:<base64url>`, so a lookup tries each listed key while a rotation re-hashes.
ALTER TABLE applications ADD COLUMN applicant_hash text;
CREATE INDEX applications_applicant ON applications (client_id, applicant_hash, created_at DESC)
  WHERE applicant_hash IS NOT NULL;

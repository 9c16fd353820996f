-- A bulk action started with an Idempotency-Key is started once: the same key from the same API
-- key answers with that job (the same request body) or is refused (another body).
ALTER TABLE bulk_actions
  ADD COLUMN idempotency_key text,
  -- sha256 of the canonical request body.
  ADD COLUMN request_hash text;
CREATE UNIQUE INDEX bulk_actions_idempotency ON bulk_actions (started_by_key, idempotency_key)
  WHERE idempotency_key IS NOT NULL;

-- Webhook secrets encrypted at rest (notifications/webhook-secrets.ts). A delivery's HMAC needs the
-- secret back, so it cannot be hashed: `webhooks.secret` now holds the base64 of the payload codec's
-- AES-256-GCM ciphertext, sealed with the deployment's keyring (ENCRYPTION_KEYS), and this column
-- names the key. Rows written before have no key id: their secret is clear text, still signs, and
-- is sealed by the next start-up (sealStoredWebhookSecrets), which also moves rows to the current key.

-- The ENCRYPTION_KEYS id that sealed `secret`; null: `secret` is clear text, written before this.
ALTER TABLE webhooks ADD COLUMN secret_key_id text;

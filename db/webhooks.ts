import type { Queryable } from './pool.js';

/** A webhook as listed: never its secret. */
export interface WebhookRow {
  id: string;
  client_id: string;
  url: string;
  created_at: Date;
}

/** A webhook's stored secret: sealed with the key `secret_key_id`, or clear text where that is null. */
export interface WebhookSecretRow {
  id: string;
  secret: string;
  secret_key_id: string | null;
}

/**
 * Registers a webhook unless the client already has `limit` active ones; undefined then.
 * Concurrent registrations may pass the limit by a few: it bounds fan-out, it is not a quota.
 * `secret` is the sealed secret (notifications/webhook-secrets.ts), `secretKeyId` its key.
 */
export async function insertWebhook(
  db: Queryable,
  webhook: { id: string; clientId: string; url: string; secret: string; secretKeyId: string },
  limit: number,
): Promise<WebhookRow | undefined> {
  const { rows } = await db.query<WebhookRow>(
    `INSERT INTO webhooks (id, client_id, url, secret, secret_key_id)
     SELECT $1, $2, $3, $4, $6
     WHERE (SELECT count(*) FROM webhooks WHERE client_id = $2 AND disabled_at IS NULL) < $5
     RETURNING id, client_id, url, created_at`,
    [webhook.id, webhook.clientId, webhook.url, webhook.secret, limit, webhook.secretKeyId],
  );
  return rows[0];
}

/** Every webhook, disabled ones too, whose secret is in clear text or sealed with another key than `currentKeyId`. */
export async function listWebhookSecretsToSeal(
  db: Queryable,
  currentKeyId: string,
): Promise<WebhookSecretRow[]> {
  const { rows } = await db.query<WebhookSecretRow>(
    `SELECT id, secret, secret_key_id FROM webhooks
     WHERE secret_key_id IS DISTINCT FROM $1 ORDER BY id`,
    [currentKeyId],
  );
  return rows;
}

/** Replaces the secret `row` read with its newly sealed form; false if it changed since it was read. */
export async function replaceWebhookSecret(
  db: Queryable,
  row: WebhookSecretRow,
  sealed: { secret: string; keyId: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE webhooks SET secret = $4, secret_key_id = $5
     WHERE id = $1 AND secret = $2 AND secret_key_id IS NOT DISTINCT FROM $3`,
    [row.id, row.secret, row.secret_key_id, sealed.secret, sealed.keyId],
  );
  return rowCount === 1;
}

/** The client's active webhooks, oldest first. */
export async function listWebhooks(db: Queryable, clientId: string): Promise<WebhookRow[]> {
  const { rows } = await db.query<WebhookRow>(
    `SELECT id, client_id, url, created_at FROM webhooks
     WHERE client_id = $1 AND disabled_at IS NULL ORDER BY created_at, id`,
    [clientId],
  );
  return rows;
}

/**
 * Stops deliveries to the client's webhook and forgets its cursors; false if the client has no
 * such active webhook (another client's is answered the same way).
 */
export async function disableWebhook(db: Queryable, clientId: string, id: string): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `WITH disabled AS (
       UPDATE webhooks SET disabled_at = now()
       WHERE id = $1 AND client_id = $2 AND disabled_at IS NULL RETURNING id
     ), forgotten AS (
       DELETE FROM webhook_deliveries d USING disabled WHERE d.webhook_id = disabled.id
     )
     SELECT id FROM disabled`,
    [id, clientId],
  );
  return rows.length === 1;
}

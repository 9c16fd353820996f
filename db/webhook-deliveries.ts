import { finalApplicationStatuses } from '../schemas/status.js';
import type { Queryable } from './pool.js';

/** A delivery cursor a dispatcher holds a lease on, with what it needs to deliver. */
export interface ClaimedDelivery {
  webhook_id: string;
  application_id: string;
  delivered_seq: number;
  attempts: number;
  url: string;
  /** Sealed with the key `secret_key_id` (notifications/webhook-secrets.ts); clear text if that is null. */
  secret: string;
  secret_key_id: string | null;
}

/** Identifies one cursor: a webhook and an application. */
export interface DeliveryKey {
  webhookId: string;
  applicationId: string;
}

const leaseInterval = (ms: number) => ms / 1000;

/**
 * Creates the missing cursors of active webhooks for their client's applications changed since
 * the webhook was registered, all of them or only `applicationIds`. A new cursor starts after
 * the events that happened before the registration, so those are never delivered.
 */
export async function seedDeliveries(db: Queryable, applicationIds?: readonly string[]): Promise<number> {
  // Named: prepared once per connection, since the dispatcher asks many times a second.
  const { rowCount } = await db.query({
    name: 'seed-webhook-deliveries',
    text: `INSERT INTO webhook_deliveries (webhook_id, application_id, delivered_seq)
     SELECT w.id, a.id, COALESCE(
       (SELECT max(e.seq) FROM application_events e WHERE e.application_id = a.id AND e.at < w.created_at), 0)
     FROM webhooks w
     JOIN applications a ON a.client_id = w.client_id AND a.updated_at >= w.created_at
     WHERE w.disabled_at IS NULL AND a.last_seq > 0
       AND ($1::uuid[] IS NULL OR a.id = ANY ($1::uuid[]))
       AND NOT EXISTS (
         SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = w.id AND d.application_id = a.id)
     ON CONFLICT DO NOTHING`,
    values: [applicationIds ? [...applicationIds] : null],
  });
  return rowCount ?? 0;
}

/**
 * Takes the oldest due cursor that has an event to deliver and leases it for `leaseMs`: no other
 * dispatcher claims it until the lease ends or is released. Rows another claimer is taking are
 * skipped, not waited for.
 */
export async function claimDueDelivery(db: Queryable, leaseMs: number): Promise<ClaimedDelivery | undefined> {
  const { rows } = await db.query<ClaimedDelivery>({
    name: 'claim-due-delivery',
    text: `UPDATE webhook_deliveries d
     SET next_attempt_at = now() + make_interval(secs => $1::double precision), updated_at = now()
     FROM (
       SELECT d2.webhook_id, d2.application_id, w.url, w.secret, w.secret_key_id
       FROM webhook_deliveries d2
       JOIN webhooks w ON w.id = d2.webhook_id
       JOIN applications a ON a.id = d2.application_id
       WHERE d2.next_attempt_at <= now() AND w.disabled_at IS NULL AND a.last_seq > d2.delivered_seq
       ORDER BY d2.next_attempt_at
       LIMIT 1
       FOR UPDATE OF d2 SKIP LOCKED
     ) due
     WHERE d.webhook_id = due.webhook_id AND d.application_id = due.application_id
     RETURNING d.webhook_id, d.application_id, d.delivered_seq, d.attempts, due.url, due.secret,
       due.secret_key_id`,
    values: [leaseInterval(leaseMs)],
  });
  return rows[0];
}

/** The receiver acknowledged `seq`: the cursor moves on and the lease is renewed for the next one. */
export async function recordDelivered(
  db: Queryable,
  key: DeliveryKey,
  seq: number,
  status: number,
  leaseMs: number,
): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET delivered_seq = GREATEST(delivered_seq, $3), attempts = 0,
       last_status = $4, last_error = NULL,
       next_attempt_at = now() + make_interval(secs => $5::double precision), updated_at = now()
     WHERE webhook_id = $1 AND application_id = $2`,
    [key.webhookId, key.applicationId, seq, status, leaseInterval(leaseMs)],
  );
}

/** The delivery failed: the next attempt is due after `delayMs`. */
export async function recordFailure(
  db: Queryable,
  key: DeliveryKey,
  failure: { attempts: number; delayMs: number; status: number | null; error: string },
): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries SET attempts = $3, last_status = $4, last_error = $5,
       next_attempt_at = now() + make_interval(secs => $6::double precision), updated_at = now()
     WHERE webhook_id = $1 AND application_id = $2`,
    [
      key.webhookId,
      key.applicationId,
      failure.attempts,
      failure.status,
      failure.error.slice(0, 500),
      leaseInterval(failure.delayMs),
    ],
  );
}

/**
 * Ends the lease: the cursor is due again at once, or never again once its application ended
 * and every event was delivered (an ended application has no further events).
 */
export async function releaseDelivery(db: Queryable, key: DeliveryKey): Promise<void> {
  await db.query(
    `UPDATE webhook_deliveries d SET updated_at = now(), next_attempt_at =
       CASE WHEN a.status = ANY ($3::text[]) AND a.last_seq <= d.delivered_seq
         THEN 'infinity'::timestamptz ELSE now() END
     FROM applications a
     WHERE a.id = d.application_id AND d.webhook_id = $1 AND d.application_id = $2`,
    [key.webhookId, key.applicationId, finalApplicationStatuses],
  );
}

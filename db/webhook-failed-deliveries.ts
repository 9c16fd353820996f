import type { FailedDeliveryStatus } from '../schemas/webhooks.js';
import { eventsChannel } from './events.js';
import type { Queryable } from './pool.js';
import type { DeliveryKey } from './webhook-deliveries.js';

/** A delivery given up on, as the portal lists it. */
export interface FailedDeliveryRow {
  id: string;
  webhook_id: string;
  application_id: string;
  seq: number;
  failed_at: Date;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  status: FailedDeliveryStatus;
  replay_requested_at: Date | null;
  delivered_at: Date | null;
  /** `failed_at` in microseconds since the epoch, exact: the page cursor's. */
  failed_us: string;
}

/** A replay a dispatcher holds a lease on, with what it needs to deliver. */
export interface ClaimedReplay {
  id: string;
  webhook_id: string;
  application_id: string;
  seq: number;
  attempts: number;
  replay_requested_at: Date;
  url: string;
  secret: string;
  secret_key_id: string | null;
}

const seconds = (ms: number) => ms / 1000;

/**
 * Gives up on the cursor's next event `seq` after its last failed attempt: records it as a
 * failed delivery and moves the cursor past it, in one statement, so the application's later
 * events go on and this one is neither lost nor listed twice.
 */
export async function deadLetter(
  db: Queryable,
  key: DeliveryKey,
  failure: { seq: number; attempts: number; status: number | null; error: string },
): Promise<void> {
  await db.query(
    `WITH dead AS (
       INSERT INTO webhook_failed_deliveries (webhook_id, application_id, seq, attempts, last_status, last_error)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (webhook_id, application_id, seq) DO NOTHING
     )
     UPDATE webhook_deliveries SET delivered_seq = GREATEST(delivered_seq, $3), attempts = 0,
       last_status = $5, last_error = $6, updated_at = now()
     WHERE webhook_id = $1 AND application_id = $2`,
    [
      key.webhookId,
      key.applicationId,
      failure.seq,
      failure.attempts,
      failure.status,
      failure.error.slice(0, 500),
    ],
  );
}

/** The webhook's failed deliveries, newest first; `before` is the previous page's last row. */
export async function listFailedDeliveries(
  db: Queryable,
  webhookId: string,
  filter: { statuses?: readonly FailedDeliveryStatus[] },
  page: { limit: number; before?: { failedUs: string; id: string } },
): Promise<{ rows: FailedDeliveryRow[]; more: boolean }> {
  const { rows } = await db.query<FailedDeliveryRow>(
    `SELECT id, webhook_id, application_id, seq, failed_at, attempts, last_status, last_error, status,
            replay_requested_at, delivered_at,
            (extract(epoch FROM failed_at) * 1000000)::bigint::text AS failed_us
     FROM webhook_failed_deliveries
     WHERE webhook_id = $1 AND ($2::text[] IS NULL OR status = ANY ($2::text[]))
       AND ($3::bigint IS NULL
         OR (failed_at, id) < (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4::uuid))
     ORDER BY failed_at DESC, id DESC
     LIMIT $5`,
    [
      webhookId,
      filter.statuses ? [...filter.statuses] : null,
      page.before?.failedUs ?? null,
      page.before?.id ?? null,
      page.limit + 1,
    ],
  );
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}

/**
 * Asks for the webhook's failed deliveries (`ids`, or all when null) to be sent again: only
 * those `failed` now, so a delivery replaying or delivered is never queued twice. Wakes the
 * dispatchers. Returns the deliveries queued.
 */
export async function requestReplay(
  db: Queryable,
  webhookId: string,
  ids: readonly string[] | null,
  requestedBy: string,
): Promise<Array<{ id: string; application_id: string; seq: number }>> {
  const { rows } = await db.query<{ id: string; application_id: string; seq: number }>(
    `WITH queued AS (
       UPDATE webhook_failed_deliveries SET status = 'replaying', replay_requested_at = now(),
         replay_requested_by = $3, next_attempt_at = now()
       WHERE webhook_id = $1 AND status = 'failed' AND ($2::uuid[] IS NULL OR id = ANY ($2::uuid[]))
       RETURNING id, application_id, seq
     ), woken AS (
       SELECT pg_notify($4, application_id::text) FROM (SELECT DISTINCT application_id FROM queued) apps
     )
     SELECT id, application_id, seq FROM queued, (SELECT count(*) FROM woken) w ORDER BY application_id, seq`,
    [webhookId, ids ? [...ids] : null, requestedBy, eventsChannel],
  );
  return rows;
}

/** Takes the oldest due replay of an active webhook and leases it for `leaseMs`; others skip it. */
export async function claimDueReplay(db: Queryable, leaseMs: number): Promise<ClaimedReplay | undefined> {
  const { rows } = await db.query<ClaimedReplay>({
    name: 'claim-due-replay',
    text: `UPDATE webhook_failed_deliveries f
     SET next_attempt_at = now() + make_interval(secs => $1::double precision)
     FROM (
       SELECT f2.id, w.url, w.secret, w.secret_key_id
       FROM webhook_failed_deliveries f2 JOIN webhooks w ON w.id = f2.webhook_id
       WHERE f2.status = 'replaying' AND f2.next_attempt_at <= now() AND w.disabled_at IS NULL
       ORDER BY f2.next_attempt_at
       LIMIT 1
       FOR UPDATE OF f2 SKIP LOCKED
     ) due
     WHERE f.id = due.id
     RETURNING f.id, f.webhook_id, f.application_id, f.seq, f.attempts, f.replay_requested_at,
       due.url, due.secret, due.secret_key_id`,
    values: [seconds(leaseMs)],
  });
  return rows[0];
}

/** The receiver acknowledged the replay: it is delivered and never sent again. */
export async function recordReplayDelivered(db: Queryable, id: string, status: number): Promise<void> {
  await db.query(
    `UPDATE webhook_failed_deliveries SET status = 'delivered', delivered_at = now(), last_status = $2,
       last_error = NULL, next_attempt_at = NULL
     WHERE id = $1 AND status = 'replaying'`,
    [id, status],
  );
}

/**
 * The replay failed: tried again after `delayMs`, or, when `giveUp`, failed again (listed as
 * `failed`, to be replayed once more if the portal asks).
 */
export async function recordReplayFailure(
  db: Queryable,
  id: string,
  failure: { attempts: number; delayMs: number; status: number | null; error: string; giveUp: boolean },
): Promise<void> {
  await db.query(
    `UPDATE webhook_failed_deliveries SET attempts = $2, last_status = $3, last_error = $4,
       status = CASE WHEN $6 THEN 'failed' ELSE status END,
       failed_at = CASE WHEN $6 THEN now() ELSE failed_at END,
       next_attempt_at = CASE WHEN $6 THEN NULL ELSE now() + make_interval(secs => $5::double precision) END
     WHERE id = $1 AND status = 'replaying'`,
    [
      id,
      failure.attempts,
      failure.status,
      failure.error.slice(0, 500),
      seconds(failure.delayMs),
      failure.giveUp,
    ],
  );
}

/** Whether the client has this webhook, active; another client's is answered the same as none. */
export async function isActiveWebhookOf(
  db: Queryable,
  clientId: string,
  webhookId: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'SELECT 1 FROM webhooks WHERE id = $1 AND client_id = $2 AND disabled_at IS NULL',
    [webhookId, clientId],
  );
  return rowCount === 1;
}

/** The status of each of `ids` of the webhook's failed deliveries. */
export async function failedDeliveryStatuses(
  db: Queryable,
  webhookId: string,
  ids: readonly string[],
): Promise<Map<string, FailedDeliveryStatus>> {
  const { rows } = await db.query<{ id: string; status: FailedDeliveryStatus }>(
    'SELECT id, status FROM webhook_failed_deliveries WHERE webhook_id = $1 AND id = ANY ($2::uuid[])',
    [webhookId, [...ids]],
  );
  return new Map(rows.map((r) => [r.id, r.status]));
}

import type { BulkActionState, BulkItemState } from '../schemas/bulk-actions.js';
import type { BulkRepairAction } from '../schemas/repair-actions.js';
import type { Queryable } from './pool.js';

/** One (application, step) a bulk action acts on. */
export interface BulkItemTarget {
  applicationId: string;
  stepId: string;
  department: string;
}

/** A new bulk action and the steps it matched, in the order they are worked through. */
export interface NewBulkAction {
  id: string;
  action: BulkRepairAction;
  reason: string;
  filter: Record<string, unknown>;
  ratePerSecond: number;
  startedBy: { keyId: string; name: string; role: string };
  items: readonly BulkItemTarget[];
  /** The caller's Idempotency-Key and the hash of its request body, when it sent one. */
  idempotency?: { key: string; requestHash: string };
}

/** A bulk action as stored, with its items counted by state. */
export interface BulkActionRow {
  id: string;
  action: BulkRepairAction;
  reason: string;
  filter: Record<string, unknown>;
  rate_per_second: number;
  state: BulkActionState;
  started_by_key: string;
  started_by_name: string;
  started_by_role: string;
  started_at: Date;
  finished_at: Date | null;
  cancel_requested_at: Date | null;
  cancel_reason: string | null;
  cancelled_by: string | null;
  /** Why a `stopped` job's workflow ended without finishing it. */
  stopped_reason: string | null;
  total: number;
  done: number;
  refused: number;
  failed: number;
  pending: number;
}

/** One item as stored. */
export interface BulkItemRow {
  seq: number;
  application_id: string;
  step_id: string;
  department: string;
  state: BulkItemState;
  result: string | null;
  sent_at: Date | null;
  finished_at: Date | null;
}

const jobColumns = `b.id, b.action, b.reason, b.filter, b.rate_per_second, b.state, b.started_by_key,
  b.started_by_name, b.started_by_role, b.started_at, b.finished_at, b.cancel_requested_at,
  b.cancel_reason, b.cancelled_by, b.stopped_reason, c.total, c.done, c.refused, c.failed, c.pending`;

const countsJoin = `CROSS JOIN LATERAL (
  SELECT count(*)::int AS total,
         (count(*) FILTER (WHERE i.state = 'done'))::int AS done,
         (count(*) FILTER (WHERE i.state = 'refused'))::int AS refused,
         (count(*) FILTER (WHERE i.state = 'failed'))::int AS failed,
         (count(*) FILTER (WHERE i.state = 'pending'))::int AS pending
  FROM bulk_action_items i WHERE i.bulk_action_id = b.id) c`;

/** Stores a new bulk action and its items; run it in the transaction that decides to start it. */
export async function insertBulkAction(db: Queryable, job: NewBulkAction): Promise<void> {
  await db.query(
    `INSERT INTO bulk_actions
       (id, action, reason, filter, rate_per_second, started_by_key, started_by_name, started_by_role,
        idempotency_key, request_hash)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, $10)`,
    [
      job.id,
      job.action,
      job.reason,
      JSON.stringify(job.filter),
      job.ratePerSecond,
      job.startedBy.keyId,
      job.startedBy.name,
      job.startedBy.role,
      job.idempotency?.key ?? null,
      job.idempotency?.requestHash ?? null,
    ],
  );
  await db.query(
    `INSERT INTO bulk_action_items (bulk_action_id, seq, application_id, step_id, department)
     SELECT $1, t.seq, t.application_id, t.step_id, t.department
     FROM unnest($2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY
            AS t (application_id, step_id, department, seq)`,
    [
      job.id,
      job.items.map((i) => i.applicationId),
      job.items.map((i) => i.stepId),
      job.items.map((i) => i.department),
    ],
  );
}

/** Removes a bulk action whose workflow could not be started (nothing was done for it). */
export async function deleteBulkAction(db: Queryable, id: string): Promise<void> {
  await db.query(`DELETE FROM bulk_actions WHERE id = $1`, [id]);
}

/** One bulk action with its counts, or undefined. */
export async function findBulkAction(db: Queryable, id: string): Promise<BulkActionRow | undefined> {
  const { rows } = await db.query<BulkActionRow>(
    `SELECT ${jobColumns} FROM bulk_actions b ${countsJoin} WHERE b.id = $1`,
    [id],
  );
  return rows[0];
}

/** Marks a running job `stopped`: its workflow ended without finishing it. */
export async function markBulkActionStopped(db: Queryable, id: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE bulk_actions SET state = 'stopped', stopped_reason = $2, finished_at = now()
     WHERE id = $1 AND state = 'running'`,
    [id, reason],
  );
}

/** The job an API key started with this Idempotency-Key, with the hash of that request's body. */
export async function findBulkActionByKey(
  db: Queryable,
  startedByKey: string,
  idempotencyKey: string,
): Promise<{ id: string; request_hash: string } | undefined> {
  const { rows } = await db.query<{ id: string; request_hash: string }>(
    `SELECT id, request_hash FROM bulk_actions WHERE started_by_key = $1 AND idempotency_key = $2`,
    [startedByKey, idempotencyKey],
  );
  return rows[0];
}

/** Bulk actions newest first, at most `limit`, and whether more follow. */
export async function listBulkActions(
  db: Queryable,
  page: {
    limit: number;
    before?: { startedAtUs: string; id: string };
    /**
     * A scoped operator's share, applied before the page is cut so a page is full while more
     * exist: jobs whose filter names this department, and a region under this prefix.
     */
    scope?: { department?: string; regionPrefix?: string };
  },
): Promise<{ rows: Array<BulkActionRow & { started_at_us: string }>; more: boolean }> {
  const { rows } = await db.query<BulkActionRow & { started_at_us: string }>(
    `SELECT ${jobColumns},
            ((extract(epoch FROM b.started_at) * 1000000)::bigint)::text AS started_at_us
     FROM bulk_actions b ${countsJoin}
     WHERE ($1::bigint IS NULL
            OR (b.started_at, b.id) < (timestamptz 'epoch' + $1::bigint * interval '1 microsecond', $2::uuid))
       AND ($4::text IS NULL OR b.filter->>'department' = $4)
       AND ($5::text IS NULL OR starts_with(b.filter->>'region', $5))
     ORDER BY b.started_at DESC, b.id DESC
     LIMIT $3`,
    [
      page.before?.startedAtUs ?? null,
      page.before?.id ?? null,
      page.limit + 1,
      page.scope?.department ?? null,
      page.scope?.regionPrefix ?? null,
    ],
  );
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}

/** Items of a bulk action in order, after `afterSeq`, optionally of one state; and whether more follow. */
export async function listBulkItems(
  db: Queryable,
  id: string,
  page: { limit: number; afterSeq?: number; state?: BulkItemState },
): Promise<{ rows: BulkItemRow[]; more: boolean }> {
  const { rows } = await db.query<BulkItemRow>(
    `SELECT seq, application_id, step_id, department, state, result, sent_at, finished_at
     FROM bulk_action_items
     WHERE bulk_action_id = $1 AND seq > $2 AND ($3::text IS NULL OR state = $3)
     ORDER BY seq
     LIMIT $4`,
    [id, page.afterSeq ?? 0, page.state ?? null, page.limit + 1],
  );
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}

/** What the worker needs to act on the next item, and whether it should stop instead. */
export interface NextBulkItem {
  action: BulkRepairAction;
  reason: string;
  started_by_key: string;
  started_by_name: string;
  started_by_role: string;
  cancel_requested: boolean;
  /** The first pending item; null when none is left. */
  item: { seq: number; application_id: string; step_id: string } | null;
}

/** The job's settings, its cancel flag and its first pending item; undefined if there is no such job. */
export async function nextBulkItem(db: Queryable, id: string): Promise<NextBulkItem | undefined> {
  const { rows } = await db.query<NextBulkItem>(
    `SELECT b.action, b.reason, b.started_by_key, b.started_by_name, b.started_by_role,
            b.cancel_requested_at IS NOT NULL AS cancel_requested,
            CASE WHEN i.seq IS NULL THEN NULL
                 ELSE jsonb_build_object('seq', i.seq, 'application_id', i.application_id, 'step_id', i.step_id)
            END AS item
     FROM bulk_actions b
     LEFT JOIN LATERAL (
       SELECT seq, application_id, step_id FROM bulk_action_items
       WHERE bulk_action_id = b.id AND state = 'pending' ORDER BY seq LIMIT 1
     ) i ON true
     WHERE b.id = $1`,
    [id],
  );
  return rows[0];
}

/** How many items of the job are still pending. */
export async function countPendingBulkItems(db: Queryable, id: string): Promise<number> {
  const { rows } = await db.query<{ pending: number }>(
    `SELECT count(*)::int AS pending FROM bulk_action_items WHERE bulk_action_id = $1 AND state = 'pending'`,
    [id],
  );
  return rows[0]?.pending ?? 0;
}

/**
 * Records one item's result, once: a retried activity finds the item no longer pending and
 * changes nothing (false).
 */
export async function recordBulkItemResult(
  db: Queryable,
  item: {
    bulkActionId: string;
    seq: number;
    state: Exclude<BulkItemState, 'pending'>;
    result: string | null;
    sentAt: Date;
  },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE bulk_action_items SET state = $3, result = $4, sent_at = $5, finished_at = now()
     WHERE bulk_action_id = $1 AND seq = $2 AND state = 'pending'`,
    [item.bulkActionId, item.seq, item.state, item.result, item.sentAt],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Asks a running job to stop after the item in progress. Undefined when the job has ended or a
 * cancel was already asked for.
 */
export async function requestBulkCancel(
  db: Queryable,
  id: string,
  cancel: { reason: string; by: string },
): Promise<{ id: string } | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE bulk_actions SET cancel_requested_at = now(), cancel_reason = $2, cancelled_by = $3
     WHERE id = $1 AND state = 'running' AND cancel_requested_at IS NULL
     RETURNING id`,
    [id, cancel.reason, cancel.by],
  );
  return rows[0];
}

/**
 * Ends a job: `cancelled` if a cancel was asked for (here or through the workflow) and items were
 * left pending, `completed` otherwise. Idempotent: an ended job keeps its end.
 */
export async function finishBulkAction(
  db: Queryable,
  id: string,
  cancel?: { reason: string; by: string },
): Promise<BulkActionState | undefined> {
  const { rows } = await db.query<{ state: BulkActionState }>(
    `UPDATE bulk_actions b
     SET cancel_requested_at = COALESCE(b.cancel_requested_at, CASE WHEN $2::text IS NULL THEN NULL ELSE now() END),
         cancel_reason = COALESCE(b.cancel_reason, $2),
         cancelled_by = COALESCE(b.cancelled_by, $3),
         state = CASE
           WHEN (b.cancel_requested_at IS NOT NULL OR $2::text IS NOT NULL) AND EXISTS (
             SELECT 1 FROM bulk_action_items i WHERE i.bulk_action_id = b.id AND i.state = 'pending')
           THEN 'cancelled' ELSE 'completed' END,
         finished_at = now()
     WHERE b.id = $1 AND b.state = 'running'
     RETURNING b.state`,
    [id, cancel?.reason ?? null, cancel?.by ?? null],
  );
  if (rows[0]) return rows[0].state;
  const { rows: ended } = await db.query<{ state: BulkActionState }>(
    `SELECT state FROM bulk_actions WHERE id = $1`,
    [id],
  );
  return ended[0]?.state;
}

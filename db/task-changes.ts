import type { Queryable } from './pool.js';
import type { TaskRow } from './work-list.js';
import { openTask } from './work-list.js';

/**
 * A place in the work list's changes: after the task `id` written by transaction `key`
 * (`human_tasks.change_key`, migration 0031). The order (key, id) is the same for every reader
 * and every API process.
 */
export interface TaskChangePosition {
  key: string;
  id: string;
}

/** The channel migration 0031's trigger notifies, with the task's department, at each change. */
export const taskChangesChannel = 'onething_tasks';

const lastUuid = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

/** Which tasks a reader follows: a department's (a clerk's, a scoped operator's), a region's. */
export interface TaskChangeScope {
  department?: string;
  regionPrefix?: string;
}

/**
 * Where a reader starting now begins: after every change that can no longer move (those of
 * transactions older than the oldest still open). Changes still in flight come after it.
 */
export async function taskChangesNow(db: Queryable): Promise<TaskChangePosition> {
  const { rows } = await db.query<{ key: string }>(
    `SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1)::text AS key`,
  );
  return { key: rows[0]?.key ?? '0', id: lastUuid };
}

/**
 * The tasks in scope written after `after`, in change order, at most `limit`, each in its latest
 * state: only settled changes, whose key is below the oldest transaction still open (no change can
 * commit before them any more). `heldBack` says that a committed change waits behind an open
 * transaction: ask again soon.
 */
export async function taskChangesAfter(
  db: Queryable,
  scope: TaskChangeScope,
  after: TaskChangePosition,
  limit = 100,
): Promise<{
  changes: Array<{ position: TaskChangePosition; row: TaskRow & { is_overdue: boolean } }>;
  heldBack: boolean;
}> {
  const { rows } = await db.query<TaskRow & { is_overdue: boolean; key: string; settled: boolean }>({
    name: 'task-changes-after',
    text: `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin)
     SELECT t.*, t.change_key::text AS key, t.change_key < horizon.xmin AS settled,
            (t.overdue OR (t.status <> 'completed' AND t.due_at < now())) AS is_overdue, a.region
     FROM human_tasks t LEFT JOIN applications a ON a.id = t.application_id CROSS JOIN horizon
     WHERE (t.change_key, t.id) > ($1::bigint, $2::uuid)
       AND ($3::text IS NULL OR t.department = $3)
       AND ($4::text IS NULL OR starts_with(a.region, $4))
     ORDER BY t.change_key, t.id
     LIMIT $5`,
    values: [after.key, after.id, scope.department ?? null, scope.regionPrefix ?? null, limit],
  });
  const firstUnsettled = rows.findIndex((row) => !row.settled);
  const settled = firstUnsettled < 0 ? rows : rows.slice(0, firstUnsettled);
  const changes = await Promise.all(
    settled.map(async (row) => ({
      position: { key: row.key, id: row.id },
      row: await openTask(db, row),
    })),
  );
  return { changes, heldBack: firstUnsettled >= 0 };
}

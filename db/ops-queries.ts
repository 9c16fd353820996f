import type { StuckCode } from '../schemas/ops.js';
import type { Queryable } from './pool.js';
import { sealerOf } from './sealing.js';

/** What `findStuckApplications` looks for; thresholds only narrow their own kind of reason. */
export interface StuckFilter {
  codes: readonly StuckCode[];
  bundleId?: string;
  statuses?: readonly string[];
  /** Only reasons at this department's steps or tasks. */
  department?: string;
  /** `retrying`: the step's first attempt started at least this long ago… */
  retryingLongerThanMs?: number;
  /** …or it made at least this many attempts. Neither given: at least 2 (it was retried). */
  attemptsAtLeast?: number;
  /** `waiting-department`: waited at least this long (0 when absent). */
  waitingLongerThanMs?: number;
  /** Only applications whose region code starts with this (`regionPrefix`): a region and those under it. */
  regionPrefix?: string;
  /** One application only (its detail page). */
  applicationId?: string;
  /** The page after this row (`since` in microseconds since the epoch, exact). */
  after?: { sinceUs: string; id: string };
  limit: number;
}

/** One reason as the query finds it: the facts, before they are put in words (`ops/stuck-reasons.ts`). */
export interface StuckFacts {
  code: StuckCode;
  stepId: string;
  department: string;
  /** Since when it is stuck: first attempt, due time, start of the wait, task due time, failure. */
  since: Date;
  stepStatus: string;
  attempts: number;
  errorMessage: string | null;
  receiptNumber: string | null;
  taskKind: string | null;
  taskRound: number | null;
  /** "<key id> <name>" of the clerk holding the task, or null while it is unclaimed. */
  taskAssignee: string | null;
}

/** A stuck application: its oldest reason first. */
export interface StuckApplicationRow {
  id: string;
  bundle_id: string;
  status: string;
  created_at: Date;
  due_at: Date | null;
  since: Date;
  /** `since` in microseconds since the epoch, as text: the cursor's exact key. */
  since_us: string;
  reasons: StuckFacts[];
}

interface ReasonJson extends Omit<StuckFacts, 'since'> {
  since: string;
}

// Each branch finds one kind of reason through its own partial index (migration 0009); the
// applications are then grouped and ordered by their oldest reason, keyset-paginated.
const stuckSql = `
WITH reasons AS (
  SELECT s.application_id, 'retrying' AS code, s.step_id, s.department, s.started_at AS since,
         s.status AS step_status, s.attempts, s.error ->> 'message' AS error_message, s.receipt_number,
         NULL::text AS task_kind, NULL::int AS task_round, NULL::text AS task_assignee
  FROM application_steps s
  WHERE 'retrying' = ANY($1::text[]) AND s.status = 'running' AND s.error IS NOT NULL
    AND s.started_at IS NOT NULL AND s.error ->> 'code' <> 'CompensationFailed'
    AND (($5::bigint IS NULL AND $6::int IS NULL AND s.attempts >= 2)
         OR s.started_at <= now() - $5::bigint * interval '1 millisecond'
         OR s.attempts >= $6::int)
  UNION ALL
  SELECT s.application_id, 'overdue', s.step_id, s.department, s.due_at,
         s.status, s.attempts, NULL, s.receipt_number, NULL, NULL, NULL
  FROM application_steps s
  WHERE 'overdue' = ANY($1::text[]) AND s.status IN ('pending', 'running', 'waiting')
    AND s.due_at IS NOT NULL AND s.due_at < now()
  UNION ALL
  SELECT s.application_id, 'waiting-department', s.step_id, s.department, s.updated_at,
         s.status, s.attempts, NULL, s.receipt_number, NULL, NULL, NULL
  FROM application_steps s
  WHERE 'waiting-department' = ANY($1::text[]) AND s.status = 'waiting'
    AND s.waiting ->> 'reason' = 'department-decision'
    AND s.updated_at <= now() - COALESCE($7::bigint, 0) * interval '1 millisecond'
  UNION ALL
  SELECT t.application_id, 'task-overdue', t.step_id, t.department, t.due_at,
         t.status, 0, NULL, NULL, t.kind, t.round, t.assignee
  FROM human_tasks t
  WHERE 'task-overdue' = ANY($1::text[]) AND t.status <> 'completed' AND (t.overdue OR t.due_at < now())
  UNION ALL
  SELECT s.application_id, 'compensation-failed', s.step_id, s.department, s.updated_at,
         s.status, s.attempts, s.error ->> 'message', s.receipt_number, NULL, NULL, NULL
  FROM application_steps s
  WHERE 'compensation-failed' = ANY($1::text[]) AND s.error ->> 'code' = 'CompensationFailed'
  UNION ALL
  -- A case a withdrawal could not cancel is the same kind of repair: the department must be told.
  SELECT s.application_id, 'compensation-failed', s.step_id, s.department, s.updated_at,
         s.status, s.attempts, s.error ->> 'message', s.receipt_number, NULL, NULL, NULL
  FROM application_steps s
  WHERE 'compensation-failed' = ANY($1::text[]) AND s.error ->> 'code' = 'CancellationFailed'
  UNION ALL
  SELECT s.application_id, 'step-failed', s.step_id, s.department, s.updated_at,
         s.status, s.attempts, s.error ->> 'message', s.receipt_number, NULL, NULL, NULL
  FROM application_steps s JOIN applications held ON held.id = s.application_id
  WHERE 'step-failed' = ANY($1::text[]) AND s.status = 'failed'
    AND s.error ->> 'code' NOT IN ('CompensationFailed', 'CancellationFailed')
    AND held.status IN ('running', 'waiting')
  UNION ALL
  -- The pause's reason stands where an error message would be.
  SELECT s.application_id, 'department-paused', s.step_id, s.department, s.updated_at,
         s.status, s.attempts, p.reason, s.receipt_number, NULL, NULL, NULL
  FROM application_steps s LEFT JOIN department_pauses p ON p.department = s.department
  WHERE 'department-paused' = ANY($1::text[]) AND s.status = 'waiting'
    AND s.waiting ->> 'reason' = 'department-paused'
), stuck AS (
  SELECT r.application_id, min(r.since) AS since,
         jsonb_agg(jsonb_build_object(
           'code', r.code, 'stepId', r.step_id, 'department', r.department, 'since', r.since,
           'stepStatus', r.step_status, 'attempts', r.attempts, 'errorMessage', r.error_message,
           'receiptNumber', r.receipt_number, 'taskKind', r.task_kind, 'taskRound', r.task_round,
           'taskAssignee', r.task_assignee) ORDER BY r.since, r.step_id) AS reasons
  FROM reasons r
  WHERE ($4::text IS NULL OR r.department = $4) AND ($8::uuid IS NULL OR r.application_id = $8)
  GROUP BY r.application_id
)
SELECT a.id, a.bundle_id, a.status, a.created_at, a.due_at, st.since,
       ((extract(epoch FROM st.since) * 1000000)::bigint)::text AS since_us, st.reasons
FROM stuck st JOIN applications a ON a.id = st.application_id
WHERE ($2::text IS NULL OR a.bundle_id = $2) AND ($3::text[] IS NULL OR a.status = ANY($3::text[]))
  AND ($12::text IS NULL OR starts_with(a.region, $12))
  AND ($9::bigint IS NULL
       OR (st.since, a.id) > (timestamptz 'epoch' + $9::bigint * interval '1 microsecond', $10::uuid))
ORDER BY st.since, a.id
LIMIT $11`;

/**
 * Applications stuck for one of `filter.codes`, oldest reason first, at most `limit` and
 * whether more follow. Plain SQL over the read model: no call to Temporal per application.
 */
export async function findStuckApplications(
  db: Queryable,
  filter: StuckFilter,
): Promise<{ rows: StuckApplicationRow[]; more: boolean }> {
  const { rows } = await db.query<Omit<StuckApplicationRow, 'reasons'> & { reasons: ReasonJson[] }>({
    name: 'find-stuck-applications',
    text: stuckSql,
    values: [
      filter.codes,
      filter.bundleId ?? null,
      filter.statuses && filter.statuses.length > 0 ? filter.statuses : null,
      filter.department ?? null,
      filter.retryingLongerThanMs ?? null,
      filter.attemptsAtLeast ?? null,
      filter.waitingLongerThanMs ?? null,
      filter.applicationId ?? null,
      filter.after?.sinceUs ?? null,
      filter.after?.id ?? null,
      filter.limit + 1,
      filter.regionPrefix ?? null,
    ],
  });
  const sealer = sealerOf(db);
  const open = async (message: string | null) => {
    const opened = await sealer.open(message);
    return typeof opened === 'string' ? opened : null;
  };
  return {
    rows: await Promise.all(
      rows.slice(0, filter.limit).map(async (row) => ({
        ...row,
        reasons: await Promise.all(
          row.reasons.map(async (r) => ({
            ...r,
            since: new Date(r.since),
            errorMessage: await open(r.errorMessage),
          })),
        ),
      })),
    ),
    more: rows.length > filter.limit,
  };
}

/** One transition of the application's timeline. */
export interface TimelineRow {
  seq: number;
  at: Date;
  step_id: string | null;
  status: string;
  data: Record<string, unknown>;
}

/** Every transition of the application, in order. */
export async function applicationTimeline(db: Queryable, applicationId: string): Promise<TimelineRow[]> {
  const { rows } = await db.query<TimelineRow>(
    `SELECT seq, at, step_id, status, data FROM application_events WHERE application_id = $1 ORDER BY seq`,
    [applicationId],
  );
  const sealer = sealerOf(db);
  return Promise.all(
    rows.map(async (row) => ({ ...row, data: ((await sealer.open(row.data)) ?? {}) as TimelineRow['data'] })),
  );
}

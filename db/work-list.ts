import type { TaskKind, TaskQueue, TaskStatus } from '../schemas/work-list.js';
import type { Queryable } from './pool.js';
import { sealerOf } from './sealing.js';

/** The video session of a `video-verification` task. */
export interface VideoSessionRow {
  room: string;
  joinUrls: { citizen: string; officer: string };
  provider: string;
}

/** A rectification of a 差评 is a task of round 0: no round of its step's own decision. */
export const isRectification = (task: Pick<TaskRow, 'round'>) => task.round === 0;

/** A work-list task as stored. */
export interface TaskRow {
  id: string;
  application_id: string;
  step_id: string;
  round: number;
  department: string;
  service: string;
  kind: TaskKind;
  status: TaskStatus;
  queue: TaskQueue;
  /** "<key id> <name>" of the clerk who claimed it. */
  assignee: string | null;
  assignee_key: string | null;
  input: Record<string, unknown>;
  supplement: Record<string, string> | null;
  video: VideoSessionRow | null;
  due_at: Date;
  overdue: boolean;
  escalated_at: Date | null;
  decision: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
  /** Its application's region (read by `findTask` and `listTasks`; null without an application row). */
  region?: string | null;
}

export interface NewTask {
  id: string;
  applicationId: string;
  stepId: string;
  round: number;
  department: string;
  service: string;
  kind: TaskKind;
  input: Record<string, unknown>;
  supplement?: Record<string, string>;
  video?: VideoSessionRow;
  dueAt: Date;
  /** `department` unless said otherwise; a rectification starts in the supervisor queue. */
  queue?: TaskQueue;
}

/**
 * Inserts the task of one round of a step, unless it exists: then returns the existing row and
 * `created: false` (a retried activity opens one task, with its first id and due time).
 */
export async function insertTask(db: Queryable, task: NewTask): Promise<{ created: boolean; row: TaskRow }> {
  const sealer = sealerOf(db);
  const input = await sealer.seal(task.applicationId, task.input);
  const supplement =
    task.supplement === undefined ? null : await sealer.seal(task.applicationId, task.supplement);
  const inserted = await db.query<TaskRow>(
    `INSERT INTO human_tasks
       (id, application_id, step_id, round, department, service, kind, input, supplement, video, due_at, queue)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12)
     ON CONFLICT (application_id, step_id, round) DO NOTHING
     RETURNING *`,
    [
      task.id,
      task.applicationId,
      task.stepId,
      task.round,
      task.department,
      task.service,
      task.kind,
      JSON.stringify(input),
      supplement === null ? null : JSON.stringify(supplement),
      task.video === undefined ? null : JSON.stringify(task.video),
      task.dueAt,
      task.queue ?? 'department',
    ],
  );
  const row = inserted.rows[0];
  if (row) return { created: true, row: await openTask(db, row) };
  const existing = await db.query<TaskRow>(
    'SELECT * FROM human_tasks WHERE application_id = $1 AND step_id = $2 AND round = $3',
    [task.applicationId, task.stepId, task.round],
  );
  return { created: false, row: await openTask(db, existing.rows[0] as TaskRow) };
}

/** The task of one round of a step, if it was opened. */
export async function findTaskOfRound(
  db: Queryable,
  key: { applicationId: string; stepId: string; round: number },
): Promise<TaskRow | undefined> {
  const { rows } = await db.query<TaskRow>(
    'SELECT * FROM human_tasks WHERE application_id = $1 AND step_id = $2 AND round = $3',
    [key.applicationId, key.stepId, key.round],
  );
  return openTask(db, rows[0]);
}

/** Every task of an application, in the order they were opened. */
export async function listTasksOfApplication(db: Queryable, applicationId: string): Promise<TaskRow[]> {
  const { rows } = await db.query<TaskRow>(
    `SELECT * FROM human_tasks WHERE application_id = $1 ORDER BY created_at, step_id, round`,
    [applicationId],
  );
  return Promise.all(rows.map((row) => openTask(db, row)));
}

export async function findTask(db: Queryable, id: string): Promise<TaskRow | undefined> {
  const { rows } = await db.query<TaskRow>(
    `SELECT t.*, (SELECT a.region FROM applications a WHERE a.id = t.application_id) AS region
     FROM human_tasks t WHERE t.id = $1`,
    [id],
  );
  return openTask(db, rows[0]);
}

/** Filters of the work list; every one is optional. */
export interface TaskFilter {
  department?: string;
  status?: TaskStatus;
  /** True: open or claimed (still to do); false: completed. */
  active?: boolean;
  /** Past its due time and not completed, or escalated. */
  overdue?: boolean;
  kind?: TaskKind;
  queue?: TaskQueue;
  /** Only tasks of applications whose region starts with this (a region-scoped operator's). */
  regionPrefix?: string;
  /** At most this many (1–100). */
  limit: number;
  /** Continue after this task (the last one of the previous page). */
  after?: { dueAt: Date; id: string };
}

// The stored flag is set by escalation; a task past due that no timer has escalated yet (the
// worker was down) is overdue all the same.
const overdueSql = `(t.overdue OR (t.status <> 'completed' AND t.due_at < now()))`;

/**
 * One page of the work list, earliest due first (ties by id), and whether more follow. Keyset
 * pagination: tasks opened or completed meanwhile neither repeat nor shift the pages.
 */
export async function listTasks(
  db: Queryable,
  filter: TaskFilter,
): Promise<{ rows: Array<TaskRow & { is_overdue: boolean }>; more: boolean }> {
  const { rows } = await db.query<TaskRow & { is_overdue: boolean }>(
    `SELECT t.*, ${overdueSql} AS is_overdue, a.region FROM human_tasks t
       LEFT JOIN applications a ON a.id = t.application_id
     WHERE ($1::text IS NULL OR t.department = $1)
       AND ($9::text IS NULL OR starts_with(a.region, $9))
       AND ($2::text IS NULL OR t.status = $2)
       AND ($3::boolean IS NULL OR ${overdueSql} = $3)
       AND ($4::text IS NULL OR t.kind = $4)
       AND ($5::text IS NULL OR t.queue = $5)
       AND ($6::timestamptz IS NULL OR (t.due_at, t.id) > ($6::timestamptz, $7::uuid))
       AND ($10::boolean IS NULL OR (t.status <> 'completed') = $10)
     ORDER BY t.due_at, t.id
     LIMIT $8`,
    [
      filter.department ?? null,
      filter.status ?? null,
      filter.overdue ?? null,
      filter.kind ?? null,
      filter.queue ?? null,
      filter.after?.dueAt ?? null,
      filter.after?.id ?? null,
      filter.limit + 1,
      filter.regionPrefix ?? null,
      filter.active ?? null,
    ],
  );
  return {
    rows: await Promise.all(rows.slice(0, filter.limit).map((row) => openTask(db, row))),
    more: rows.length > filter.limit,
  };
}

/** Why a claim, release or completion did not happen. */
export type TaskConflict =
  'not-found' | 'other-department' | 'completed' | 'claimed-by-other' | 'not-claimed';

export type TaskChange = { ok: true; row: TaskRow } | { ok: false; conflict: TaskConflict };

/** A clerk acting on a task: its department and its API key. */
export interface TaskActor {
  department: string;
  keyId: string;
  name: string;
}

/** Explains, from the current row, why a conditional update changed nothing. */
async function conflictOf(db: Queryable, id: string, actor: TaskActor): Promise<TaskChange> {
  const row = await findTask(db, id);
  if (!row) return { ok: false, conflict: 'not-found' };
  if (row.department !== actor.department) return { ok: false, conflict: 'other-department' };
  if (row.status === 'completed') return { ok: false, conflict: 'completed' };
  if (row.status === 'claimed' && row.assignee_key !== actor.keyId)
    return { ok: false, conflict: 'claimed-by-other' };
  return { ok: false, conflict: 'not-claimed' };
}

/**
 * Claims an open task of the clerk's department, atomically: of two clerks claiming at once,
 * one gets it. Claiming a task one already holds is harmless.
 */
export async function claimTask(db: Queryable, id: string, actor: TaskActor): Promise<TaskChange> {
  const { rows } = await db.query<TaskRow>(
    `UPDATE human_tasks SET status = 'claimed', assignee = $3, assignee_key = $4, updated_at = now()
     WHERE id = $1 AND department = $2
       AND (status = 'open' OR (status = 'claimed' AND assignee_key = $4))
     RETURNING *`,
    [id, actor.department, `${actor.keyId} ${actor.name}`, actor.keyId],
  );
  const row = await openTask(db, rows[0]);
  return row ? { ok: true, row } : conflictOf(db, id, actor);
}

/** Puts a claimed task back in its queue; only its assignee can. */
export async function releaseTask(db: Queryable, id: string, actor: TaskActor): Promise<TaskChange> {
  const { rows } = await db.query<TaskRow>(
    `UPDATE human_tasks SET status = 'open', assignee = NULL, assignee_key = NULL, updated_at = now()
     WHERE id = $1 AND department = $2 AND status = 'claimed' AND assignee_key = $3
     RETURNING *`,
    [id, actor.department, actor.keyId],
  );
  const row = await openTask(db, rows[0]);
  return row ? { ok: true, row } : conflictOf(db, id, actor);
}

/**
 * Marks a task completed with its decision, atomically and once: only while claimed by this
 * clerk. A second completion changes nothing and reports `completed`.
 */
export async function completeTask(
  db: Queryable,
  id: string,
  actor: TaskActor,
  decision: Record<string, unknown>,
): Promise<TaskChange> {
  const owner = await db.query<{ application_id: string }>(
    'SELECT application_id FROM human_tasks WHERE id = $1',
    [id],
  );
  const applicationId = owner.rows[0]?.application_id;
  if (applicationId === undefined) return { ok: false, conflict: 'not-found' };
  const sealed = await sealerOf(db).seal(applicationId, decision);
  const { rows } = await db.query<TaskRow>(
    `UPDATE human_tasks SET status = 'completed', decision = $4::jsonb, completed_at = now(), updated_at = now()
     WHERE id = $1 AND department = $2 AND status = 'claimed' AND assignee_key = $3
     RETURNING *`,
    [id, actor.department, actor.keyId, JSON.stringify(sealed)],
  );
  const row = await openTask(db, rows[0]);
  return row ? { ok: true, row } : conflictOf(db, id, actor);
}

/**
 * Moves a task to the supervisor queue, keeping its assignee, and marks it overdue: always when
 * its due time passed (`overdue`), only if it is past due when an operator escalates it early
 * (`operator`). Idempotent: returns the task only to the call that escalated it; a completed
 * task is left as it is.
 */
export async function escalateTask(
  db: Queryable,
  id: string,
  at: Date = new Date(),
  cause: 'overdue' | 'operator' = 'overdue',
): Promise<TaskRow | undefined> {
  const { rows } = await db.query<TaskRow>(
    `UPDATE human_tasks
     SET overdue = (overdue OR $3 OR due_at <= $2), queue = 'supervisor', escalated_at = $2, updated_at = now()
     WHERE id = $1 AND status <> 'completed' AND escalated_at IS NULL
     RETURNING *`,
    [id, at, cause === 'overdue'],
  );
  return openTask(db, rows[0]);
}

/**
 * An operator's reassignment: the task claimed by another clerk (`assignee`), or back in its queue
 * for anyone to claim (`null`); an escalated task stays in the supervisor queue. Idempotent;
 * a completed task is left as it is (then undefined).
 */
export async function reassignTask(
  db: Queryable,
  id: string,
  assignee: { keyId: string; name: string } | null,
): Promise<TaskRow | undefined> {
  const { rows } = await db.query<TaskRow>(
    `UPDATE human_tasks
     SET status = CASE WHEN $2::text IS NULL THEN 'open' ELSE 'claimed' END,
         assignee = $3, assignee_key = $2, updated_at = now()
     WHERE id = $1 AND status <> 'completed'
     RETURNING *`,
    [id, assignee?.keyId ?? null, assignee ? `${assignee.keyId} ${assignee.name}` : null],
  );
  return openTask(db, rows[0]);
}

/**
 * Closes a task nobody needs to decide any more (its application was withdrawn): completed, with
 * why in place of a decision, so it leaves the clerks' lists. Idempotent.
 */
export async function closeTask(db: Queryable, id: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE human_tasks
     SET status = 'completed', decision = jsonb_build_object('closed', $2::text), completed_at = now(),
         updated_at = now()
     WHERE id = $1 AND status <> 'completed'`,
    [id, reason],
  );
}

/** A task as read, its input, supplement and decision opened (they are sealed at rest). */
export async function openTask<T extends TaskRow | undefined>(db: Queryable, row: T): Promise<T> {
  if (!row) return row;
  const sealer = sealerOf(db);
  return {
    ...row,
    input: ((await sealer.open(row.input)) ?? {}) as TaskRow['input'],
    supplement: (await sealer.open(row.supplement)) as TaskRow['supplement'],
    decision: (await sealer.open(row.decision)) as TaskRow['decision'],
  };
}

import type { Queryable } from './pool.js';

/** What a step row is recreated from: its definition in the plan the application runs. */
export interface StepSkeleton {
  id: string;
  position: number;
  department: string;
  service: string;
  title: { zh: string; en: string };
  timeLimitWorkingDays: number;
}

/** Ids of applications whose read-model status is not final, in id order after `after`. */
export async function openApplicationIds(
  db: Queryable,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id::text FROM applications
     WHERE status IN ('running', 'waiting') AND ($1::uuid IS NULL OR id > $1)
     ORDER BY id LIMIT $2`,
    [after, limit],
  );
  return rows.map((r) => r.id);
}

/**
 * Locks the application row until the transaction ends and returns its transition counter, or
 * undefined if the row is gone. Every engine write takes the same lock, so a repair made under
 * it cannot interleave with one, and an unchanged counter proves none landed since it was read.
 */
export async function lockApplication(db: Queryable, applicationId: string): Promise<number | undefined> {
  const { rows } = await db.query<{ last_seq: number }>(
    'SELECT last_seq FROM applications WHERE id = $1 FOR UPDATE',
    [applicationId],
  );
  return rows[0]?.last_seq;
}

/**
 * The number of the next reconciliation transition of `subject` (a step id, or `application`),
 * for its key `reconcile:<subject>:<n>`: one more than those recorded, so every repair is a new
 * event and a repeated write of the same one is a no-op.
 */
export async function nextReconcileNumber(
  db: Queryable,
  applicationId: string,
  subject: string,
): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM application_events
     WHERE application_id = $1 AND starts_with(dedupe_key, $2)`,
    [applicationId, `reconcile:${subject}:`],
  );
  return (rows[0]?.n ?? 0) + 1;
}

/**
 * Inserts a deleted step row again, pending, as the API created it; when it first ran is taken
 * back from its events, which outlive the row. Nothing if the row exists.
 */
export async function recreateStepRow(
  db: Queryable,
  applicationId: string,
  step: StepSkeleton,
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO application_steps
       (application_id, step_id, position, department, service, title_zh, title_en, time_limit_working_days,
        started_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
       (SELECT min(at) FROM application_events WHERE application_id = $1 AND step_id = $2 AND status = 'running'))
     ON CONFLICT (application_id, step_id) DO NOTHING`,
    [
      applicationId,
      step.id,
      step.position,
      step.department,
      step.service,
      step.title.zh,
      step.title.en,
      step.timeLimitWorkingDays,
    ],
  );
  return result.rowCount === 1;
}

/**
 * After a recreated row was brought to its status: when it ended is taken back from the last
 * event of the engine's own that recorded that status, rather than the repair's time.
 */
export async function restoreEndTime(db: Queryable, applicationId: string, stepId: string): Promise<void> {
  await db.query(
    `UPDATE application_steps s SET completed_at = COALESCE((
       SELECT max(e.at) FROM application_events e
       WHERE e.application_id = s.application_id AND e.step_id = s.step_id AND e.status = s.status
         AND NOT starts_with(coalesce(e.dedupe_key, ''), 'reconcile:')
     ), s.completed_at)
     WHERE s.application_id = $1 AND s.step_id = $2 AND s.completed_at IS NOT NULL`,
    [applicationId, stepId],
  );
}

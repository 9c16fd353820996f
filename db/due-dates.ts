import type { BusinessCalendar } from '../calendar/business-calendar.js';
import { finalStepStatuses } from '../schemas/status.js';
import type { Queryable } from './pool.js';

/**
 * The due date of a step starting at `startedAt`: its promised working days (kept with the step
 * when the application was inserted) on the calendar. `{}` without a calendar or a stored limit,
 * so the `running` transition leaves `due_at` as it is.
 */
export async function stepDueAt(
  db: Queryable,
  calendar: BusinessCalendar | undefined,
  step: { applicationId: string; stepId: string },
  startedAt: Date = new Date(),
): Promise<{ dueAt?: string }> {
  if (!calendar) return {};
  const result = await db.query<{ time_limit_working_days: number | null }>(
    'SELECT time_limit_working_days FROM application_steps WHERE application_id = $1 AND step_id = $2',
    [step.applicationId, step.stepId],
  );
  const limit = result.rows[0]?.time_limit_working_days;
  if (limit === null || limit === undefined) return {};
  return { dueAt: calendar.addWorkingDays(startedAt, limit).toISOString() };
}

/**
 * Stops the application's clock at `at`, while it waits for the applicant. Returns false if it
 * was already stopped (the first stop counts).
 */
export async function pauseClock(db: Queryable, applicationId: string, at: Date): Promise<boolean> {
  const result = await db.query(
    'UPDATE applications SET paused_since = $2 WHERE id = $1 AND paused_since IS NULL',
    [applicationId, at],
  );
  return result.rowCount === 1;
}

// Restarts the clock and adds the stop to paused_ms; the row lock serialises concurrent resumes,
// so only one of them sees the stop and moves the due dates.
const resumeSql = `
WITH stopped AS (
  SELECT id, paused_since FROM applications WHERE id = $1 AND paused_since IS NOT NULL FOR UPDATE
)
UPDATE applications a SET
  paused_since = NULL,
  paused_ms = a.paused_ms + GREATEST(0, (extract(epoch FROM $2::timestamptz - stopped.paused_since) * 1000)::bigint)
FROM stopped WHERE a.id = stopped.id
RETURNING stopped.paused_since, a.due_at`;

// Moves each due date only if it is still the one read, so a date written meanwhile is kept.
const shiftSql = `
WITH app AS (
  UPDATE applications SET due_at = $3 WHERE id = $1 AND due_at = $2
), moved AS (
  SELECT * FROM jsonb_to_recordset($4::jsonb) AS m(step_id text, due_at timestamptz, new_due_at timestamptz)
)
UPDATE application_steps s SET due_at = moved.new_due_at
FROM moved
WHERE s.application_id = $1 AND s.step_id = moved.step_id AND s.due_at = moved.due_at`;

/**
 * Restarts the clock stopped by `pauseClock`: the due dates of the application and of its steps
 * that have not ended move on by the working days the stop lasted (`workingDaysBetween`: a stop
 * within one day moves nothing). Returns that number, or null if the clock was not stopped.
 * Steps that start later are dated from their start, so they need no shift.
 */
export async function resumeClock(
  db: Queryable,
  applicationId: string,
  at: Date,
  calendar: BusinessCalendar,
): Promise<number | null> {
  const resumed = await db.query<{ paused_since: Date; due_at: Date | null }>(resumeSql, [applicationId, at]);
  const row = resumed.rows[0];
  if (!row) return null;
  const days = calendar.workingDaysBetween(row.paused_since, at);
  if (days === 0) return 0;

  const steps = await db.query<{ step_id: string; due_at: Date }>(
    `SELECT step_id, due_at FROM application_steps
     WHERE application_id = $1 AND due_at IS NOT NULL AND NOT (status = ANY($2::text[]))`,
    [applicationId, finalStepStatuses],
  );
  const shift = (due: Date) => calendar.addWorkingDays(due, days);
  await db.query(shiftSql, [
    applicationId,
    row.due_at,
    row.due_at === null ? null : shift(row.due_at),
    JSON.stringify(
      steps.rows.map((s) => ({ step_id: s.step_id, due_at: s.due_at, new_due_at: shift(s.due_at) })),
    ),
  ]);
  return days;
}

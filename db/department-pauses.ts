import type { Queryable } from './pool.js';

/** A department an operator paused for an outage. */
export interface DepartmentPauseRow {
  department: string;
  reason: string;
  paused_by: string;
  paused_at: Date;
}

/** Pauses calls to a department; false if it was already paused (the first pause and reason stand). */
export async function pauseDepartment(
  db: Queryable,
  pause: { department: string; reason: string; pausedBy: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO department_pauses (department, reason, paused_by) VALUES ($1, $2, $3)
     ON CONFLICT (department) DO NOTHING`,
    [pause.department, pause.reason, pause.pausedBy],
  );
  return rowCount === 1;
}

/** Ends a department's pause; the pause as it was, or undefined if it was not paused. */
export async function resumeDepartment(
  db: Queryable,
  department: string,
): Promise<DepartmentPauseRow | undefined> {
  const { rows } = await db.query<DepartmentPauseRow>(
    `DELETE FROM department_pauses WHERE department = $1
     RETURNING department, reason, paused_by, paused_at`,
    [department],
  );
  return rows[0];
}

export async function findDepartmentPause(
  db: Queryable,
  department: string,
): Promise<DepartmentPauseRow | undefined> {
  const { rows } = await db.query<DepartmentPauseRow>({
    name: 'find-department-pause',
    text: `SELECT department, reason, paused_by, paused_at FROM department_pauses WHERE department = $1`,
    values: [department],
  });
  return rows[0];
}

export async function listDepartmentPauses(db: Queryable): Promise<DepartmentPauseRow[]> {
  const { rows } = await db.query<DepartmentPauseRow>(
    `SELECT department, reason, paused_by, paused_at FROM department_pauses ORDER BY paused_at, department`,
  );
  return rows;
}

/** How many steps wait for each department to be resumed. */
export async function countPausedSteps(db: Queryable): Promise<Map<string, number>> {
  const { rows } = await db.query<{ department: string; waiting: number }>(
    `SELECT department, count(*)::int AS waiting FROM application_steps
     WHERE status = 'waiting' AND waiting ->> 'reason' = 'department-paused'
     GROUP BY department`,
  );
  return new Map(rows.map((row) => [row.department, row.waiting]));
}

/** A page of the applications with a step waiting for the department to be resumed, by id (keyset). */
export async function applicationsPausedOn(
  db: Queryable,
  department: string,
  after: string | null,
  limit: number,
): Promise<string[]> {
  const { rows } = await db.query<{ application_id: string }>(
    `SELECT DISTINCT application_id FROM application_steps
     WHERE department = $1 AND status = 'waiting' AND waiting ->> 'reason' = 'department-paused'
       AND ($2::uuid IS NULL OR application_id > $2::uuid)
     ORDER BY application_id LIMIT $3`,
    [department, after, limit],
  );
  return rows.map((row) => row.application_id);
}

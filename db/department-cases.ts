import type { StepStatus } from '../schemas/status.js';
import type { Queryable } from './pool.js';

const startedUs = '(extract(epoch FROM s.started_at) * 1000000)::bigint';

/** A step a department was sent, as that department's own staff list it. */
export interface DepartmentCaseRow {
  application_id: string;
  bundle_id: string;
  step_id: string;
  service: string;
  status: StepStatus;
  receipt_number: string | null;
  started_at: Date;
  completed_at: Date | null;
  /** `started_at` in microseconds since the epoch, exact: what the page cursor carries. */
  started_us: string;
}

/**
 * The cases a department received (its steps that were sent to it), newest first; `before` is
 * the previous page's last row (its `started_us`, application and step).
 */
export async function listDepartmentCases(
  db: Queryable,
  department: string,
  page: { limit: number; before?: { startedUs: string; applicationId: string; stepId: string } },
): Promise<{ rows: DepartmentCaseRow[]; more: boolean }> {
  const { rows } = await db.query<DepartmentCaseRow>(
    `SELECT s.application_id, a.bundle_id, s.step_id, s.service, s.status, s.receipt_number,
            s.started_at, s.completed_at, ${startedUs} AS started_us
     FROM application_steps s JOIN applications a ON a.id = s.application_id
     WHERE s.department = $1 AND s.started_at IS NOT NULL
       AND ($3::bigint IS NULL OR (${startedUs}, s.application_id, s.step_id) < ($3::bigint, $4::uuid, $5::text))
     ORDER BY ${startedUs} DESC, s.application_id DESC, s.step_id DESC
     LIMIT $2`,
    [
      department,
      page.limit + 1,
      page.before?.startedUs ?? null,
      page.before?.applicationId ?? null,
      page.before?.stepId ?? null,
    ],
  );
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}

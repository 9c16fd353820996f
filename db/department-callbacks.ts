import type { Queryable } from './pool.js';

/** True if this department's callback was already taken into account. */
export async function callbackSeen(db: Queryable, department: string, callbackId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'SELECT 1 FROM department_callbacks WHERE department = $1 AND callback_id = $2',
    [department, callbackId],
  );
  return rowCount === 1;
}

/** Remembers a callback once its decision reached the workflow, so a repeat is answered as already recorded. */
export async function rememberCallback(
  db: Queryable,
  callback: { department: string; callbackId: string; applicationId: string; stepId: string },
): Promise<void> {
  await db.query(
    `INSERT INTO department_callbacks (department, callback_id, application_id, step_id)
     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [callback.department, callback.callbackId, callback.applicationId, callback.stepId],
  );
}

/** The step a callback is about, with what decides whether the callback fits it. */
export async function findCallbackStep(
  db: Queryable,
  applicationId: string,
  stepId: string,
): Promise<
  { department: string; service: string; status: string; receipt_number: string | null } | undefined
> {
  const { rows } = await db.query<{
    department: string;
    service: string;
    status: string;
    receipt_number: string | null;
  }>(
    'SELECT department, service, status, receipt_number FROM application_steps WHERE application_id = $1 AND step_id = $2',
    [applicationId, stepId],
  );
  return rows[0];
}

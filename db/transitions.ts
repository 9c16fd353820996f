import type { StepError, Transition } from '../schemas/workflow.js';
import { eventsChannel } from './events.js';
import type { Pool, Queryable } from './pool.js';
import { withTransaction } from './pool.js';

const endedStepStatuses = ['completed', 'rejected', 'skipped', 'compensated', 'failed'];

/**
 * Applies a batch of workflow transitions atomically. Each is recorded once as an event
 * keyed by (application, seq); a retried write finds its events there and changes nothing,
 * and a row never goes back to an older sequence number.
 */
export async function recordTransitions(
  pool: Pool,
  applicationId: string,
  transitions: Transition[],
): Promise<void> {
  await withTransaction(pool, async (client) => {
    for (const t of transitions) {
      const status = t.application?.status ?? t.step?.status ?? 'running';
      const event = await client.query(
        `INSERT INTO application_events (application_id, seq, at, step_id, status, data)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [applicationId, t.seq, t.at, t.step?.stepId ?? null, status, JSON.stringify(eventData(t))],
      );
      if (event.rowCount === 0) continue;
      if (t.step) await applyStepTransition(client, applicationId, t);
      await client.query(
        `UPDATE applications SET status = COALESCE($3, status), updated_at = $4, last_seq = $2
         WHERE id = $1 AND last_seq < $2`,
        [applicationId, t.seq, t.application?.status ?? null, t.at],
      );
    }
    // Delivered at commit: wakes webhook dispatchers and event streams (notifications/listener.ts).
    await client.query('SELECT pg_notify($1, $2)', [eventsChannel, applicationId]);
  });
}

async function applyStepTransition(db: Queryable, applicationId: string, t: Transition): Promise<void> {
  const step = t.step;
  if (!step) return;
  await db.query(
    `UPDATE application_steps SET
       status = $4,
       attempts = GREATEST(attempts, COALESCE($5, attempts)),
       started_at = CASE WHEN $4 = 'running' THEN COALESCE(started_at, $3::timestamptz) ELSE started_at END,
       completed_at = CASE WHEN $4 = ANY($8::text[]) THEN $3::timestamptz ELSE completed_at END,
       outputs = COALESCE($6::jsonb, outputs),
       error = CASE WHEN $7::jsonb IS NULL THEN error WHEN $7::jsonb = 'null'::jsonb THEN NULL ELSE $7::jsonb END,
       last_seq = $9, updated_at = $3
     WHERE application_id = $1 AND step_id = $2 AND last_seq < $9`,
    [
      applicationId,
      step.stepId,
      t.at,
      step.status,
      step.attempts ?? null,
      step.outputs === undefined ? null : JSON.stringify(step.outputs),
      step.error === undefined ? null : JSON.stringify(step.error),
      endedStepStatuses,
      t.seq,
    ],
  );
}

function eventData(t: Transition): Record<string, unknown> {
  if (!t.step) return {};
  const { outputs, error } = t.step;
  return { ...(outputs ? { outputs } : {}), ...(error ? { error } : {}) };
}

/**
 * Records an attempt of a step's department call while it is still in progress, so a portal
 * sees how often it was tried and why the last try failed. Ignored once the step has ended.
 */
export async function recordStepAttempt(
  db: Queryable,
  applicationId: string,
  stepId: string,
  attempt: number,
  error: StepError | null,
): Promise<void> {
  await db.query(
    `UPDATE application_steps SET attempts = GREATEST(attempts, $3),
       error = CASE WHEN $4::jsonb IS NULL THEN error ELSE $4::jsonb END, updated_at = now()
     WHERE application_id = $1 AND step_id = $2 AND status IN ('pending', 'running')`,
    [applicationId, stepId, attempt, error === null ? null : JSON.stringify(error)],
  );
}

import type { AccessEntry } from './access-log.js';
import { finalStepStatuses } from '../schemas/status.js';
import type { StepError, Transition } from '../schemas/workflow.js';
import { eventsChannel } from './events.js';
import type { Queryable } from './pool.js';
import { sealerOf, sealOptional } from './sealing.js';
import type { Sealer } from './sealing.js';

// One statement, one round trip: number the transition from the application's counter (the
// row lock orders concurrent writers), record the event, apply it to the step, log the data a
// department received, and wake notifiers at commit. A transition whose key is already
// recorded changes nothing; two racing duplicates end in a unique violation and a retry.
// Outputs, error and receipt: absent (SQL NULL) keeps them, JSON null clears them. A step that
// ended keeps when it ended if a transition repeats its status (a reconciliation's repair).
const recordTransitionSql = `
WITH app AS (
  UPDATE applications SET last_seq = last_seq + 1, updated_at = $3, status = COALESCE($4::text, status)
  WHERE id = $1
    AND NOT EXISTS (SELECT 1 FROM application_events WHERE application_id = $1 AND dedupe_key = $2)
  RETURNING last_seq
), ev AS (
  INSERT INTO application_events (application_id, seq, at, step_id, status, data, dedupe_key)
  SELECT $1, last_seq, $3, $5, $6, $7::jsonb, $2 FROM app
  RETURNING seq
), step AS (
  UPDATE application_steps SET
    status = $6,
    attempts = GREATEST(attempts, COALESCE($8::int, attempts)),
    started_at = CASE WHEN $6 = 'running' THEN COALESCE(started_at, $3::timestamptz) ELSE started_at END,
    completed_at = CASE WHEN $6 = ANY($11::text[]) AND NOT (status = $6 AND completed_at IS NOT NULL)
      THEN $3::timestamptz ELSE completed_at END,
    outputs = CASE WHEN $9::jsonb IS NULL THEN outputs WHEN $9::jsonb = 'null'::jsonb THEN NULL ELSE $9::jsonb END,
    error = CASE WHEN $10::jsonb IS NULL THEN error WHEN $10::jsonb = 'null'::jsonb THEN NULL ELSE $10::jsonb END,
    receipt_number = CASE WHEN $19::jsonb IS NULL THEN receipt_number
      WHEN $19::jsonb = 'null'::jsonb THEN NULL ELSE $19::jsonb #>> '{}' END,
    waiting = CASE WHEN $6 = 'waiting' THEN $20::jsonb ELSE NULL END,
    due_at = COALESCE($21::timestamptz, due_at),
    last_seq = ev.seq,
    updated_at = $3
  FROM ev
  WHERE application_id = $1 AND step_id = $5
  RETURNING 1
), access AS (
  INSERT INTO access_log (application_id, actor_type, actor, action, fields, purpose, step_id, dedupe_key)
  SELECT $1, $12, $13, $14, $15::text[], $16, $5, $17 FROM ev WHERE $12::text IS NOT NULL
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING 1
)
SELECT pg_notify($18, $1::text) FROM ev`;

/**
 * Records one transition (and, for a department's decision, what it received), exactly once
 * per key. Returns false when the key was already recorded.
 */
export async function recordTransition(
  db: Queryable,
  applicationId: string,
  t: Transition,
  access?: Omit<AccessEntry, 'applicationId' | 'stepId'>,
): Promise<boolean> {
  const step = t.step;
  const sealer = sealerOf(db);
  const outputs = await sealOptional(sealer, applicationId, step?.outputs);
  const error = await sealError(sealer, applicationId, step?.error);
  const result = await db.query({
    name: 'record-transition',
    text: recordTransitionSql,
    values: [
      applicationId,
      t.key,
      t.at,
      t.application?.status ?? null,
      step?.stepId ?? null,
      t.application?.status ?? step?.status ?? 'running',
      JSON.stringify(await eventData(sealer, applicationId, t)),
      step?.attempts ?? null,
      outputs === undefined ? null : JSON.stringify(outputs),
      error === undefined ? null : JSON.stringify(error),
      finalStepStatuses,
      access?.actorType ?? null,
      access?.actor ?? null,
      access?.action ?? null,
      access?.fields ?? null,
      access?.purpose ?? null,
      access?.dedupeKey ?? null,
      eventsChannel,
      step?.receiptNumber === undefined ? null : JSON.stringify(step.receiptNumber),
      step?.waiting === undefined ? null : JSON.stringify(step.waiting),
      step?.dueAt ?? null,
    ],
  });
  return result.rowCount === 1;
}

/** Records the workflow's own transitions in order (each is idempotent by its key). */
export async function recordTransitions(
  db: Queryable,
  applicationId: string,
  transitions: Transition[],
): Promise<void> {
  for (const t of transitions) await recordTransition(db, applicationId, t);
}

/** The event's data: sealed whole when it says anything (outputs, an error); `{}` otherwise. */
async function eventData(sealer: Sealer, applicationId: string, t: Transition): Promise<unknown> {
  if (!t.step) return {};
  const { outputs, error } = t.step;
  const data = { ...(outputs ? { outputs } : {}), ...(error ? { error } : {}) };
  return Object.keys(data).length === 0 ? data : sealer.seal(applicationId, data);
}

/** A step error with its message sealed (a department's reason may quote the form); its code stays readable for the operators' queries. */
export async function sealError(
  sealer: Sealer,
  applicationId: string,
  error: StepError | null | undefined,
): Promise<StepError | null | undefined> {
  if (!error) return error;
  return { ...error, message: await sealer.seal(applicationId, error.message) };
}

/** A stored step error with its message opened. */
export async function openError(sealer: Sealer, error: StepError | null): Promise<StepError | null> {
  if (!error) return error;
  const message = await sealer.open(error.message);
  return { ...error, message: typeof message === 'string' ? message : '(erased)' };
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
  const sealed = await sealError(sealerOf(db), applicationId, error);
  await db.query(
    `UPDATE application_steps SET attempts = GREATEST(attempts, $3),
       error = CASE WHEN $4::jsonb IS NULL THEN error ELSE $4::jsonb END, updated_at = now()
     WHERE application_id = $1 AND step_id = $2 AND status IN ('pending', 'running')`,
    [applicationId, stepId, attempt, sealed ? JSON.stringify(sealed) : null],
  );
}

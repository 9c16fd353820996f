import type { StepDefinition } from '../schemas/bundle.js';
import { unstatedRegion } from '../schemas/regions.js';
import type { ApplicationStatus, StepStatus } from '../schemas/status.js';
import type { StepError, StepWaiting } from '../schemas/workflow.js';
import type { Queryable } from './pool.js';
import { sealerOf } from './sealing.js';
import { openError } from './transitions.js';

/** An application row as stored. */
export interface ApplicationRow {
  id: string;
  bundle_id: string;
  bundle_version: number;
  client_id: string;
  request_hash: string;
  status: ApplicationStatus;
  workflow_started: boolean;
  /** The sequence number of the application's last recorded transition. */
  last_seq: number;
  created_at: Date;
  updated_at: Date;
  /** When the promised limit ends (moved on by pauses); null if it was not computed. */
  due_at: Date | null;
  /** The administrative division code it is handled in (`000000`: not stated); never personal. */
  region: string;
}

/** A step row as stored. */
export interface StepRow {
  step_id: string;
  department: string;
  service: string;
  title_zh: string;
  title_en: string;
  status: StepStatus;
  attempts: number;
  started_at: Date | null;
  completed_at: Date | null;
  outputs: Record<string, unknown> | null;
  error: StepError | null;
  receipt_number: string | null;
  waiting: StepWaiting | null;
  /** Set when the step starts: its start plus its promised working days. */
  due_at: Date | null;
  /** The promised working days, copied from the bundle at submission (null for older rows). */
  time_limit_working_days?: number | null;
}

export interface NewApplication {
  id: string;
  /** The bundle as it is now (a catalogue `BundleDefinition`): what the application's rows copy from it. */
  bundle: {
    id: string;
    version: number;
    steps: ReadonlyArray<
      Pick<StepDefinition, 'id' | 'department' | 'service' | 'title' | 'timeLimitWorkingDays'>
    >;
  };
  clientId: string;
  idempotencyKey: string;
  requestHash: string;
  /** When the whole application is due (`applicationDueAt`); steps get theirs when they start. */
  dueAt?: Date;
  /** The applicant's ID number as a keyed hash (`applicantHash`), for "my applications"; never the number. */
  applicantHash?: string;
  /** The applicant's ID number sealed (`Sealer.seal`): what the hash is computed again from after a rotation. */
  applicantIdSealed?: string;
  /** The administrative division code it is handled in; `unstatedRegion` when absent. */
  region?: string;
}

// One statement: the application and its pending steps, or nothing when the client already
// used the key (concurrent duplicates wait on the unique index, so exactly one creates).
const insertApplicationSql = `
WITH app AS (
  INSERT INTO applications
    (id, bundle_id, bundle_version, client_id, idempotency_key, request_hash, status, due_at, applicant_hash,
     region, applicant_id_sealed)
  VALUES ($1, $2, $3, $4, $5, $6, 'running', $8, $9, $10, $11)
  ON CONFLICT (client_id, idempotency_key) DO NOTHING
  RETURNING *
), steps AS (
  INSERT INTO application_steps
    (application_id, step_id, position, department, service, title_zh, title_en, time_limit_working_days)
  SELECT app.id, s.id, s.position, s.department, s.service, s.title_zh, s.title_en, s.time_limit_working_days
  FROM app, jsonb_to_recordset($7::jsonb)
    AS s(id text, position int, department text, service text, title_zh text, title_en text,
         time_limit_working_days int)
)
SELECT * FROM app`;

/**
 * Inserts the application and its pending steps, unless the client already used the
 * idempotency key: then returns the existing row and `created: false`.
 */
export async function insertApplication(
  db: Queryable,
  app: NewApplication,
): Promise<{ created: boolean; row: ApplicationRow }> {
  const steps = app.bundle.steps.map((s, position) => ({
    id: s.id,
    position,
    department: s.department,
    service: s.service,
    title_zh: s.title.zh,
    title_en: s.title.en,
    time_limit_working_days: s.timeLimitWorkingDays,
  }));
  const inserted = await db.query<ApplicationRow>({
    name: 'insert-application',
    text: insertApplicationSql,
    values: [
      app.id,
      app.bundle.id,
      app.bundle.version,
      app.clientId,
      app.idempotencyKey,
      app.requestHash,
      JSON.stringify(steps),
      app.dueAt ?? null,
      app.applicantHash ?? null,
      app.region ?? unstatedRegion,
      app.applicantIdSealed ?? null,
    ],
  });
  const row = inserted.rows[0];
  if (row) return { created: true, row };
  const existing = await db.query<ApplicationRow>(
    'SELECT * FROM applications WHERE client_id = $1 AND idempotency_key = $2',
    [app.clientId, app.idempotencyKey],
  );
  return { created: false, row: existing.rows[0] as ApplicationRow };
}

export async function markWorkflowStarted(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE applications SET workflow_started = true WHERE id = $1', [id]);
}

/** The application joined to its steps: one row per step, or one with null step columns. */
type ApplicationStepsRow = ApplicationRow & {
  [K in keyof StepRow as `step_${K}`]: StepRow[K] | null;
};

// One statement, one round trip, one snapshot: portals poll this (each GET was two reads, and
// the two could straddle a transition). Named, so each connection prepares it once. The columns
// are listed: a prepared `*` fails once a migration adds one under a running process.
const findApplicationSql = `
SELECT a.id, a.bundle_id, a.bundle_version, a.client_id, a.request_hash, a.status, a.workflow_started,
  a.last_seq, a.created_at, a.updated_at, a.due_at, a.region,
  s.step_id AS step_step_id, s.department AS step_department, s.service AS step_service,
  s.title_zh AS step_title_zh, s.title_en AS step_title_en, s.status AS step_status,
  s.attempts AS step_attempts, s.started_at AS step_started_at, s.completed_at AS step_completed_at,
  s.outputs AS step_outputs, s.error AS step_error, s.receipt_number AS step_receipt_number,
  s.waiting AS step_waiting, s.due_at AS step_due_at,
  s.time_limit_working_days AS step_time_limit_working_days
FROM applications a LEFT JOIN application_steps s ON s.application_id = a.id
WHERE a.id = $1
ORDER BY s.position`;

/** The application with its steps in bundle order, or undefined. */
export async function findApplication(
  db: Queryable,
  id: string,
): Promise<{ application: ApplicationRow; steps: StepRow[] } | undefined> {
  const { rows } = await db.query<ApplicationStepsRow>({
    name: 'find-application-and-steps',
    text: findApplicationSql,
    values: [id],
  });
  const first = rows[0];
  if (!first) return undefined;
  const application = {
    id: first.id,
    bundle_id: first.bundle_id,
    bundle_version: first.bundle_version,
    client_id: first.client_id,
    request_hash: first.request_hash,
    status: first.status,
    workflow_started: first.workflow_started,
    // Reconciliation writes only if no transition came since it read (ops/reconcile.ts).
    last_seq: first.last_seq,
    created_at: first.created_at,
    updated_at: first.updated_at,
    due_at: first.due_at,
    region: first.region,
  };
  const steps = rows
    .filter((r) => r.step_step_id !== null)
    .map((r): StepRow => ({
      step_id: r.step_step_id as string,
      department: r.step_department as string,
      service: r.step_service as string,
      title_zh: r.step_title_zh as string,
      title_en: r.step_title_en as string,
      status: r.step_status as StepRow['status'],
      attempts: r.step_attempts as number,
      started_at: r.step_started_at,
      completed_at: r.step_completed_at,
      outputs: r.step_outputs,
      error: r.step_error,
      receipt_number: r.step_receipt_number,
      waiting: r.step_waiting,
      due_at: r.step_due_at,
      time_limit_working_days: r.step_time_limit_working_days ?? null,
    }));
  // Sealed at rest with the application's data key (privacy/sealer.ts): opened for the caller.
  const sealer = sealerOf(db);
  const opened = await Promise.all(
    steps.map(async (step) => ({
      ...step,
      outputs: (await sealer.open(step.outputs)) as StepRow['outputs'],
      error: await openError(sealer, step.error),
    })),
  );
  return { application, steps: opened };
}

/**
 * The applications a portal client filed for one applicant, newest first: `hashes` are the
 * applicant's ID number under each keyring key (`applicantHashes`), so no number is compared in clear.
 */
export async function findApplicationsOfApplicant(
  db: Queryable,
  clientId: string,
  hashes: readonly string[],
  limit: number,
): Promise<ApplicationRow[]> {
  const { rows } = await db.query<ApplicationRow>(
    `SELECT * FROM applications WHERE client_id = $1 AND applicant_hash = ANY($2::text[])
     ORDER BY created_at DESC, id LIMIT $3`,
    [clientId, hashes, limit],
  );
  return rows;
}

import type { StepDefinition } from '../schemas/bundle.js';
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
}

// One statement: the application and its pending steps, or nothing when the client already
// used the key (concurrent duplicates wait on the unique index, so exactly one creates).
const insertApplicationSql = `
WITH app AS (
  INSERT INTO applications
    (id, bundle_id, bundle_version, client_id, idempotency_key, request_hash, status, due_at, applicant_hash)
  VALUES ($1, $2, $3, $4, $5, $6, 'running', $8, $9)
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

/** The application with its steps in bundle order, or undefined. */
export async function findApplication(
  db: Queryable,
  id: string,
): Promise<{ application: ApplicationRow; steps: StepRow[] } | undefined> {
  const apps = await db.query<ApplicationRow>('SELECT * FROM applications WHERE id = $1', [id]);
  const application = apps.rows[0];
  if (!application) return undefined;
  const steps = await db.query<StepRow>(
    `SELECT step_id, department, service, title_zh, title_en, status, attempts, started_at, completed_at, outputs, error,
       receipt_number, waiting, due_at
     FROM application_steps WHERE application_id = $1 ORDER BY position`,
    [id],
  );
  const sealer = sealerOf(db);
  const opened = await Promise.all(
    steps.rows.map(async (step) => ({
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

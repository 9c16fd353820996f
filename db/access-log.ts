import type { Queryable } from './pool.js';

/** One access to an application's data. */
export interface AccessEntry {
  applicationId: string;
  actorType: 'department' | 'clerk' | 'operator' | 'admin';
  actor: string;
  action: 'received' | 'read';
  fields: string[];
  purpose: string;
  stepId?: string;
  /** Entries with the same key are recorded once (retried activities). */
  dedupeKey?: string;
}

export interface AccessRow {
  at: Date;
  actor_type: AccessEntry['actorType'];
  actor: string;
  action: AccessEntry['action'];
  fields: string[];
  purpose: string;
  step_id: string | null;
}

export async function recordAccess(db: Queryable, entry: AccessEntry): Promise<void> {
  await db.query(
    `INSERT INTO access_log (application_id, actor_type, actor, action, fields, purpose, step_id, dedupe_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING`,
    [
      entry.applicationId,
      entry.actorType,
      entry.actor,
      entry.action,
      entry.fields,
      entry.purpose,
      entry.stepId ?? null,
      entry.dedupeKey ?? null,
    ],
  );
}

export async function listAccess(db: Queryable, applicationId: string): Promise<AccessRow[]> {
  const { rows } = await db.query<AccessRow>(
    `SELECT at, actor_type, actor, action, fields, purpose, step_id
     FROM access_log WHERE application_id = $1 ORDER BY at, id`,
    [applicationId],
  );
  return rows;
}

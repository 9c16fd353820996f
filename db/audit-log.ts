import type { Queryable } from './pool.js';

/** One operator, clerk or admin action, as `recordAudit` appends it. */
export interface AuditEntry {
  /** The API key that acted, and its name. */
  actorKey: string;
  actorName: string;
  /** The role label: operator, admin, clerk:police, … */
  role: string;
  /** What was done: `task.claim`, `task.release`, `task.complete`, a repair's name, … */
  action: string;
  applicationId?: string;
  stepId?: string;
  /** The object acted on besides the application, e.g. the task id. */
  target?: string;
  /** Why, or the decision taken; never personal data in clear. */
  reason?: string;
  /** `ok`, or why it did not happen (a conflict code, `failed`). */
  result: string;
  detail?: Record<string, unknown>;
}

/** An audit row as stored. */
export interface AuditRow {
  id: string;
  at: Date;
  actor_key: string;
  actor_name: string;
  role: string;
  action: string;
  application_id: string | null;
  step_id: string | null;
  target: string | null;
  reason: string | null;
  result: string;
  detail: Record<string, unknown>;
}

/** Appends one entry; the table refuses updates and deletes (migration 0009). */
export async function recordAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log
       (actor_key, actor_name, role, action, application_id, step_id, target, reason, result, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
    [
      entry.actorKey,
      entry.actorName,
      entry.role,
      entry.action,
      entry.applicationId ?? null,
      entry.stepId ?? null,
      entry.target ?? null,
      entry.reason ?? null,
      entry.result,
      JSON.stringify(entry.detail ?? {}),
    ],
  );
}

export interface AuditFilter {
  /** The actor's API key id. */
  actor?: string;
  action?: string;
  applicationId?: string;
  from?: Date;
  to?: Date;
  /** The page after this entry id (entries come newest first). */
  before?: string;
  limit: number;
}

/** Entries matching the filter, newest first, at most `limit`, and whether more follow. */
export async function listAudit(
  db: Queryable,
  filter: AuditFilter,
): Promise<{ rows: AuditRow[]; more: boolean }> {
  const { rows } = await db.query<AuditRow>(
    `SELECT id::text, at, actor_key, actor_name, role, action, application_id, step_id, target, reason,
            result, detail
     FROM audit_log
     WHERE ($1::text IS NULL OR actor_key = $1) AND ($2::text IS NULL OR action = $2)
       AND ($3::uuid IS NULL OR application_id = $3)
       AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
       AND ($6::bigint IS NULL OR id < $6)
     ORDER BY id DESC
     LIMIT $7`,
    [
      filter.actor ?? null,
      filter.action ?? null,
      filter.applicationId ?? null,
      filter.from ?? null,
      filter.to ?? null,
      filter.before ?? null,
      filter.limit + 1,
    ],
  );
  return { rows: rows.slice(0, filter.limit), more: rows.length > filter.limit };
}

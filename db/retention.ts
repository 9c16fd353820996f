import { finalApplicationStatuses } from '../schemas/status.js';
import { eraseDataKey } from './data-keys.js';
import { eraseMaterialsOf } from './materials.js';
import type { Queryable } from './pool.js';

/** An ended application whose personal data is due for erasure. */
export interface DueApplication {
  id: string;
  bundle_id: string;
  status: string;
  /** When it ended: its last transition, the final status. */
  ended_at: Date;
}

/**
 * Ended applications not yet erased whose bundle's cutoff has passed (`cutoffs`: by bundle id,
 * what ended before it is due), oldest first. A bundle without a cutoff is never due.
 */
export async function findDueForErasure(
  db: Queryable,
  cutoffs: ReadonlyArray<{ bundleId: string; cutoff: Date }>,
  limit: number,
): Promise<DueApplication[]> {
  const { rows } = await db.query<DueApplication>(
    `SELECT a.id, a.bundle_id, a.status, a.updated_at AS ended_at
     FROM applications a
     JOIN unnest($1::text[], $2::timestamptz[]) AS r(bundle_id, cutoff) ON r.bundle_id = a.bundle_id
     WHERE a.erased_at IS NULL AND a.status = ANY($3::text[]) AND a.updated_at < r.cutoff
     ORDER BY a.updated_at, a.id
     LIMIT $4`,
    [cutoffs.map((c) => c.bundleId), cutoffs.map((c) => c.cutoff), finalApplicationStatuses, limit],
  );
  return rows;
}

/**
 * Erases one application's personal data, in the caller's transaction: destroys its data key
 * (what Temporal's history and any copy of the rows hold becomes unreadable), clears the sealed
 * cells and the applicant's lookup hash, and marks it erased. Bundle, dates, statuses,
 * departments and error codes stay. Returns false if it was erased already.
 */
export async function eraseApplication(db: Queryable, applicationId: string): Promise<boolean> {
  const marked = await db.query(
    'UPDATE applications SET erased_at = now(), applicant_hash = NULL, applicant_id_sealed = NULL WHERE id = $1 AND erased_at IS NULL',
    [applicationId],
  );
  if (marked.rowCount !== 1) return false;
  await eraseDataKey(db, applicationId);
  await db.query(
    `UPDATE application_steps
     SET outputs = NULL, error = CASE WHEN error IS NULL THEN NULL ELSE error - 'message' END
     WHERE application_id = $1`,
    [applicationId],
  );
  await db.query(`UPDATE application_events SET data = '{}'::jsonb WHERE application_id = $1`, [
    applicationId,
  ]);
  await db.query(
    `UPDATE human_tasks SET input = '{}'::jsonb, supplement = NULL, decision = NULL, video = NULL
     WHERE application_id = $1`,
    [applicationId],
  );
  // The rating's stars stay for the statistics; its comments are the applicant's words.
  await db.query('UPDATE application_ratings SET comment = NULL WHERE application_id = $1', [applicationId]);
  await db.query('UPDATE application_item_ratings SET comment = NULL WHERE application_id = $1', [
    applicationId,
  ]);
  // The scans and photos it named, unless another application still kept names them.
  await eraseMaterialsOf(db, applicationId);
  return true;
}

/**
 * Deletes access-log and audit-log entries older than their retention: the only path past their
 * append-only triggers, which honour `onething.retention_purge` for this transaction alone.
 */
export async function purgeExpiredLogs(
  db: Queryable,
  before: { accessLog: Date; auditLog: Date },
): Promise<{ accessLog: number; auditLog: number }> {
  await db.query(`SELECT set_config('onething.retention_purge', 'on', true)`);
  const access = await db.query('DELETE FROM access_log WHERE at < $1', [before.accessLog]);
  const audit = await db.query('DELETE FROM audit_log WHERE at < $1', [before.auditLog]);
  await db.query(`SELECT set_config('onething.retention_purge', 'off', true)`);
  return { accessLog: access.rowCount ?? 0, auditLog: audit.rowCount ?? 0 };
}

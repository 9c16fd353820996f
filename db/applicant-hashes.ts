import type { Queryable } from './pool.js';

/** An application whose applicant hash was computed under another key than `keyId`. */
export interface StaleApplicantHash {
  id: string;
  applicant_hash: string | null;
  applicant_id_sealed: string;
}

/**
 * Up to `limit` applications after `afterId` (in id order) whose lookup hash is not under `keyId`
 * and can be computed again.
 */
export async function listStaleApplicantHashes(
  db: Queryable,
  keyId: string,
  limit: number,
  afterId: string | null,
): Promise<StaleApplicantHash[]> {
  const { rows } = await db.query<StaleApplicantHash>(
    `SELECT id, applicant_hash, applicant_id_sealed FROM applications
     WHERE applicant_id_sealed IS NOT NULL AND erased_at IS NULL
       AND (applicant_hash IS NULL OR NOT starts_with(applicant_hash, $1 || ':'))
       AND ($3::uuid IS NULL OR id > $3::uuid)
     ORDER BY id LIMIT $2`,
    [keyId, limit, afterId],
  );
  return rows;
}

/** Replaces the hash, unless it changed since it was read; true if it did. */
export async function replaceApplicantHash(
  db: Queryable,
  row: Pick<StaleApplicantHash, 'id' | 'applicant_hash'>,
  hash: string,
): Promise<boolean> {
  const result = await db.query(
    'UPDATE applications SET applicant_hash = $3 WHERE id = $1 AND applicant_hash IS NOT DISTINCT FROM $2',
    [row.id, row.applicant_hash, hash],
  );
  return result.rowCount === 1;
}

/** Whether the data was already brought to this keyring state (`keyring_migrations`). */
export async function keyringMigrationDone(db: Queryable, keyring: string): Promise<boolean> {
  const { rows } = await db.query<{ done: boolean }>(
    'SELECT done_at IS NOT NULL AS done FROM keyring_migrations WHERE keyring = $1',
    [keyring],
  );
  return rows[0]?.done ?? false;
}

/** Records that the data was brought to this keyring state, with what the pass changed. */
export async function markKeyringMigrationDone(
  db: Queryable,
  keyring: string,
  summary: Record<string, number>,
): Promise<void> {
  await db.query(
    `INSERT INTO keyring_migrations (keyring, done_at, summary) VALUES ($1, now(), $2)
     ON CONFLICT (keyring) DO UPDATE SET done_at = now(), summary = $2`,
    [keyring, JSON.stringify(summary)],
  );
}

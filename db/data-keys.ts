import type { Queryable } from './pool.js';

/** An application's data key as stored: wrapped by the keyring key `kek_id`, or erased. */
export interface DataKeyRow {
  application_id: string;
  kek_id: string | null;
  wrapped_key: Buffer | null;
  erased_at: Date | null;
}

/**
 * Stores a new data key unless the application has one (erased or not), and returns the one
 * that won; undefined when another process's insert committed during this statement, which its
 * snapshot cannot see (the caller reads it again).
 */
export async function insertDataKey(
  db: Queryable,
  applicationId: string,
  kekId: string,
  wrapped: Buffer,
): Promise<DataKeyRow | undefined> {
  const { rows } = await db.query<DataKeyRow>(
    `WITH ins AS (
       INSERT INTO application_keys (application_id, kek_id, wrapped_key) VALUES ($1, $2, $3)
       ON CONFLICT (application_id) DO NOTHING
       RETURNING application_id, kek_id, wrapped_key, erased_at
     )
     SELECT * FROM ins
     UNION ALL
     SELECT application_id, kek_id, wrapped_key, erased_at FROM application_keys
     WHERE application_id = $1 AND NOT EXISTS (SELECT 1 FROM ins)`,
    [applicationId, kekId, wrapped],
  );
  return rows[0];
}

export async function findDataKey(db: Queryable, applicationId: string): Promise<DataKeyRow | undefined> {
  const { rows } = await db.query<DataKeyRow>(
    'SELECT application_id, kek_id, wrapped_key, erased_at FROM application_keys WHERE application_id = $1',
    [applicationId],
  );
  return rows[0];
}

/** Keys wrapped by another key than `currentKekId`, a batch at a time, for re-wrapping. */
export async function listKeysToRewrap(
  db: Queryable,
  currentKekId: string,
  limit: number,
): Promise<DataKeyRow[]> {
  const { rows } = await db.query<DataKeyRow>(
    `SELECT application_id, kek_id, wrapped_key, erased_at FROM application_keys
     WHERE erased_at IS NULL AND kek_id <> $1 ORDER BY application_id LIMIT $2`,
    [currentKekId, limit],
  );
  return rows;
}

/** Replaces a wrapped key if it is still the one read (another instance may have re-wrapped it). */
export async function replaceWrappedKey(
  db: Queryable,
  row: { applicationId: string; fromKekId: string },
  kekId: string,
  wrapped: Buffer,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE application_keys SET kek_id = $3, wrapped_key = $4, rewrapped_at = now()
     WHERE application_id = $1 AND kek_id = $2 AND erased_at IS NULL`,
    [row.applicationId, row.fromKekId, kekId, wrapped],
  );
  return result.rowCount === 1;
}

/**
 * Destroys the application's data key (crypto-shredding); a key never created is recorded as
 * erased, so none is created later. Returns false if it was erased already.
 */
export async function eraseDataKey(db: Queryable, applicationId: string): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO application_keys (application_id, kek_id, wrapped_key, erased_at)
     VALUES ($1, NULL, NULL, now())
     ON CONFLICT (application_id) DO UPDATE SET kek_id = NULL, wrapped_key = NULL, erased_at = now()
       WHERE application_keys.erased_at IS NULL`,
    [applicationId],
  );
  return result.rowCount === 1;
}

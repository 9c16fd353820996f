import type { Queryable } from './pool.js';

/** A material's metadata; its bytes are in the object store under `storage_key`. */
export interface MaterialRow {
  id: string;
  portal: string;
  size: number;
  content_type: string;
  sha256: string;
  storage_key: string;
  created_at: Date;
  /** Erased with the applications that named it (retention): never handed out again. */
  erased_at?: Date | null;
  /**
   * Its data key, wrapped by keyring key `kek_id`; both null when erased, or for a material
   * stored before keys moved to rows (its key is in front of its bytes until re-wrapped).
   */
  kek_id?: string | null;
  wrapped_key?: Buffer | null;
}

export async function insertMaterial(
  db: Queryable,
  material: Omit<MaterialRow, 'created_at'>,
): Promise<MaterialRow> {
  const { rows } = await db.query<MaterialRow>(
    `INSERT INTO materials (id, portal, size, content_type, sha256, storage_key, kek_id, wrapped_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [
      material.id,
      material.portal,
      material.size,
      material.content_type,
      material.sha256,
      material.storage_key,
      material.kek_id ?? null,
      material.wrapped_key ?? null,
    ],
  );
  return rows[0] as MaterialRow;
}

export async function findMaterial(db: Queryable, id: string): Promise<MaterialRow | undefined> {
  const { rows } = await db.query<MaterialRow>('SELECT * FROM materials WHERE id = $1', [id]);
  return rows[0];
}

/** Which of `ids` exist, are not erased, and were uploaded by `portal`; another portal's are not among them. */
export async function materialsOwnedBy(
  db: Queryable,
  portal: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM materials WHERE portal = $1 AND id = ANY($2::text[]) AND erased_at IS NULL',
    [portal, [...ids]],
  );
  return new Set(rows.map((r) => r.id));
}

/** Records which materials an application names, so they are erased with it. */
export async function linkMaterials(
  db: Queryable,
  applicationId: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `INSERT INTO application_materials (application_id, material_id)
     SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
    [applicationId, [...new Set(ids)]],
  );
}

/**
 * Marks erased, in the retention job's transaction, the materials this application named that
 * no application still kept names; their bytes leave the object store after it commits
 * (`materialBytesToDelete`). Returns how many were marked.
 */
export async function eraseMaterialsOf(db: Queryable, applicationId: string): Promise<number> {
  const result = await db.query(
    `UPDATE materials m SET erased_at = now(), kek_id = NULL, wrapped_key = NULL
     WHERE m.erased_at IS NULL
       AND m.id IN (SELECT material_id FROM application_materials WHERE application_id = $1)
       AND NOT EXISTS (
         SELECT 1 FROM application_materials o JOIN applications a ON a.id = o.application_id
         WHERE o.material_id = m.id AND a.id <> $1 AND a.erased_at IS NULL)`,
    [applicationId],
  );
  return result.rowCount ?? 0;
}

/** A material erased because no application named it. */
export interface UnreferencedMaterial {
  id: string;
  portal: string;
  size: number;
  created_at: Date;
}

/**
 * Marks erased, in the caller's transaction, up to `limit` materials uploaded before `before`
 * that no application names, and clears their data keys; their bytes leave the object store
 * after it commits (`materialBytesToDelete`). The candidates are locked first and checked again
 * by a second statement, which sees a link committed meanwhile: a material named at the last
 * moment is kept. Returns the materials erased, and how many candidates there were.
 */
export async function eraseUnreferencedMaterials(
  db: Queryable,
  before: Date,
  limit: number,
): Promise<{ erased: UnreferencedMaterial[]; candidates: number }> {
  const { rows: candidates } = await db.query<{ id: string }>(
    `SELECT id FROM materials m
     WHERE erased_at IS NULL AND created_at < $1
       AND NOT EXISTS (SELECT 1 FROM application_materials l WHERE l.material_id = m.id)
     ORDER BY created_at, id LIMIT $2
     FOR UPDATE SKIP LOCKED`,
    [before, limit],
  );
  if (candidates.length === 0) return { erased: [], candidates: 0 };
  const { rows } = await db.query<UnreferencedMaterial>(
    `UPDATE materials m SET erased_at = now(), kek_id = NULL, wrapped_key = NULL
     WHERE id = ANY($1::text[]) AND erased_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM application_materials l WHERE l.material_id = m.id)
     RETURNING id, portal, size, created_at`,
    [candidates.map((c) => c.id)],
  );
  return { erased: rows, candidates: candidates.length };
}

/** Erased materials whose sealed bytes are still in the object store, oldest first. */
export async function materialBytesToDelete(
  db: Queryable,
  limit: number,
): Promise<Array<{ id: string; storage_key: string }>> {
  const { rows } = await db.query<{ id: string; storage_key: string }>(
    `SELECT id, storage_key FROM materials
     WHERE erased_at IS NOT NULL AND bytes_deleted_at IS NULL ORDER BY erased_at, id LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function markMaterialBytesDeleted(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE materials SET bytes_deleted_at = now() WHERE id = $1', [id]);
}

/** A material's key as the re-wrap reads it; `kek_id` null: the key is in front of its bytes. */
export type MaterialKeyRow = Pick<MaterialRow, 'id' | 'storage_key'> & {
  kek_id: string | null;
  wrapped_key: Buffer | null;
};

/**
 * Kept materials whose data key is not wrapped by `currentKekId` in their row (another key, or
 * still in front of their bytes), a batch at a time in id order after `after`.
 */
export async function listMaterialKeysToRewrap(
  db: Queryable,
  currentKekId: string,
  limit: number,
  after: string | null,
): Promise<MaterialKeyRow[]> {
  const { rows } = await db.query<MaterialKeyRow>(
    `SELECT id, storage_key, kek_id, wrapped_key FROM materials
     WHERE erased_at IS NULL AND (kek_id IS NULL OR kek_id <> $1) AND ($3::text IS NULL OR id > $3)
     ORDER BY id LIMIT $2`,
    [currentKekId, limit, after],
  );
  return rows;
}

/** Replaces a material's wrapped key if it is still the one read (another process may have re-wrapped it, or erased it). */
export async function replaceMaterialKey(
  db: Queryable,
  row: { id: string; fromKekId: string | null },
  kekId: string,
  wrapped: Buffer,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE materials SET kek_id = $3, wrapped_key = $4
     WHERE id = $1 AND kek_id IS NOT DISTINCT FROM $2 AND erased_at IS NULL`,
    [row.id, row.fromKekId, kekId, wrapped],
  );
  return result.rowCount === 1;
}

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
}

export async function insertMaterial(
  db: Queryable,
  material: Omit<MaterialRow, 'created_at'>,
): Promise<MaterialRow> {
  const { rows } = await db.query<MaterialRow>(
    `INSERT INTO materials (id, portal, size, content_type, sha256, storage_key)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
    [
      material.id,
      material.portal,
      material.size,
      material.content_type,
      material.sha256,
      material.storage_key,
    ],
  );
  return rows[0] as MaterialRow;
}

export async function findMaterial(db: Queryable, id: string): Promise<MaterialRow | undefined> {
  const { rows } = await db.query<MaterialRow>('SELECT * FROM materials WHERE id = $1', [id]);
  return rows[0];
}

/** Which of `ids` exist and were uploaded by `portal`; another portal's are not among them. */
export async function materialsOwnedBy(
  db: Queryable,
  portal: string,
  ids: readonly string[],
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM materials WHERE portal = $1 AND id = ANY($2::text[])',
    [portal, [...ids]],
  );
  return new Set(rows.map((r) => r.id));
}

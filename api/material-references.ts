import { materialsOwnedBy } from '../db/materials.js';
import type { Queryable } from '../db/pool.js';
import { problemCodes } from '../schemas/error-codes.js';
import { ProblemError } from './problem.js';

/**
 * Refuses a form or supplement that names a material the portal did not upload: one that does
 * not exist and another portal's are answered alike (422 `MATERIAL_NOT_FOUND`, each field named),
 * so a portal learns nothing of another's materials.
 */
export async function checkMaterialReferences(
  db: Queryable,
  portal: string,
  references: ReadonlyArray<{ path: string; id: string }>,
): Promise<void> {
  if (references.length === 0) return;
  const owned = await materialsOwnedBy(
    db,
    portal,
    references.map((r) => r.id),
  );
  const errors = references
    .filter((r) => !owned.has(r.id))
    .map((r) => ({ path: r.path, message: `no material ${r.id} of this portal` }));
  if (errors.length === 0) return;
  throw new ProblemError(
    422,
    problemCodes.materialNotFound,
    'A named material does not exist',
    errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors,
  );
}

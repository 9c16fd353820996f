import type { Principal, RoleName } from '../schemas/principal.js';
import type { Queryable } from './pool.js';

/** An API key as listed: never its secret. */
export interface ApiKeyRow {
  id: string;
  name: string;
  role: RoleName;
  scope: string | null;
  created_at: Date;
  revoked_at: Date | null;
}

export async function insertApiKey(
  db: Queryable,
  key: { id: string; name: string; role: RoleName; scope: string | null; secretHash: string },
): Promise<void> {
  await db.query('INSERT INTO api_keys (id, name, role, scope, secret_hash) VALUES ($1, $2, $3, $4, $5)', [
    key.id,
    key.name,
    key.role,
    key.scope,
    key.secretHash,
  ]);
}

/** The principal of an active key with this secret hash, or undefined. */
export async function findPrincipalBySecretHash(
  db: Queryable,
  secretHash: string,
): Promise<Principal | undefined> {
  const { rows } = await db.query<{ id: string; name: string; role: RoleName; scope: string | null }>(
    'SELECT id, name, role, scope FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL',
    [secretHash],
  );
  const row = rows[0];
  return row && { keyId: row.id, name: row.name, role: row.role, scope: row.scope };
}

/** Revokes a key; false if there is no such active key. */
export async function revokeApiKey(db: Queryable, id: string): Promise<boolean> {
  const result = await db.query(
    'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
    [id],
  );
  return result.rowCount === 1;
}

export async function listApiKeys(db: Queryable): Promise<ApiKeyRow[]> {
  const { rows } = await db.query<ApiKeyRow>(
    'SELECT id, name, role, scope, created_at, revoked_at FROM api_keys ORDER BY created_at',
  );
  return rows;
}

/** One key by id, revoked or not; never its secret. */
export async function findApiKey(db: Queryable, id: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await db.query<ApiKeyRow>(
    'SELECT id, name, role, scope, created_at, revoked_at FROM api_keys WHERE id = $1',
    [id],
  );
  return rows[0];
}

import type { Principal, RoleName } from '../schemas/principal.js';
import type { Queryable } from './pool.js';

/** An API key as listed: never its secret. */
export interface ApiKeyRow {
  id: string;
  name: string;
  role: RoleName;
  /** A portal's client id, a clerk's or department's department, a scoped operator's department. */
  scope: string | null;
  created_at: Date;
  revoked_at: Date | null;
  /** When the key stops working by itself (a rotated key's grace period); null: never. */
  expires_at: Date | null;
  /** The key that replaced this one in a rotation. */
  replaced_by: string | null;
  /** The admin key that created it; null for the keys CLI and dev stacks. */
  created_by: string | null;
  /** An operator's region scope (an administrative division code); null: every region. */
  region: string | null;
}

const columns = 'id, name, role, scope, created_at, revoked_at, expires_at, replaced_by, created_by, region';

export async function insertApiKey(
  db: Queryable,
  key: {
    id: string;
    name: string;
    role: RoleName;
    scope: string | null;
    secretHash: string;
    expiresAt?: Date | null;
    createdBy?: string | null;
    region?: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO api_keys (id, name, role, scope, secret_hash, expires_at, created_by, region)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      key.id,
      key.name,
      key.role,
      key.scope,
      key.secretHash,
      key.expiresAt ?? null,
      key.createdBy ?? null,
      key.region ?? null,
    ],
  );
}

/** The principal of an active key (not revoked, not expired) with this secret hash, or undefined. */
export async function findPrincipalBySecretHash(
  db: Queryable,
  secretHash: string,
): Promise<Principal | undefined> {
  const { rows } = await db.query<{
    id: string;
    name: string;
    role: RoleName;
    scope: string | null;
    region: string | null;
  }>(
    `SELECT id, name, role, scope, region FROM api_keys
     WHERE secret_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [secretHash],
  );
  const row = rows[0];
  return row && { keyId: row.id, name: row.name, role: row.role, scope: row.scope, region: row.region };
}

/** Revokes a key; false if there is no such active key. */
export async function revokeApiKey(db: Queryable, id: string): Promise<boolean> {
  const result = await db.query(
    'UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL',
    [id],
  );
  return result.rowCount === 1;
}

/**
 * Marks a key replaced by `successor` and ends it at `expiresAt` (sooner if it already ended
 * sooner); false if it is not an active key.
 */
export async function retireApiKey(
  db: Queryable,
  id: string,
  successor: string,
  expiresAt: Date,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE api_keys SET replaced_by = $2, expires_at = LEAST(COALESCE(expires_at, $3), $3)
     WHERE id = $1 AND revoked_at IS NULL AND replaced_by IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [id, successor, expiresAt],
  );
  return result.rowCount === 1;
}

export async function listApiKeys(db: Queryable): Promise<ApiKeyRow[]> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${columns} FROM api_keys ORDER BY created_at, id`);
  return rows;
}

/** One key by id, revoked or not; never its secret. */
export async function findApiKey(db: Queryable, id: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${columns} FROM api_keys WHERE id = $1`, [id]);
  return rows[0];
}

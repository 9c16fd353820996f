import { createHash, randomBytes } from 'node:crypto';
import { findApiKey, insertApiKey, retireApiKey } from '../../db/api-keys.js';
import type { ApiKeyRow } from '../../db/api-keys.js';
import { withTransaction } from '../../db/pool.js';
import type { Pool, Queryable } from '../../db/pool.js';
import type { RoleName } from '../../schemas/principal.js';

/** The sha256 of a secret: what is stored and looked up. Secrets are 256 random bits, so no salt is needed. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

const roleUsage =
  'portal:<client>, operator, operator:<department>, admin, clerk:<department> or department:<id>';

/**
 * Parses `portal:<client>`, `operator` (every department), `operator:<department>` (one
 * department's steps only), `admin`, `clerk:<department>` or `department:<id>`.
 */
export function parseRole(label: string): { role: RoleName; scope: string | null } {
  const [role = '', scope] = label.split(':', 2);
  if (role === 'admin') {
    if (scope !== undefined) throw new Error('admin keys have no scope');
    return { role, scope: null };
  }
  if (role === 'operator') {
    if (scope === '') throw new Error('operator:<department>, or operator for every department');
    return { role, scope: scope ?? null };
  }
  if (role === 'portal' || role === 'clerk' || role === 'department') {
    if (!scope)
      throw new Error(
        `${role} keys need a scope: ${role}:<${role === 'portal' ? 'client id' : 'department'}>`,
      );
    return { role, scope };
  }
  throw new Error(`unknown role ${label}: ${roleUsage}`);
}

/** Creates a key and returns its id and secret; the secret is never stored or shown again. */
export async function createApiKey(
  db: Queryable,
  key: {
    name: string;
    role: RoleName;
    scope: string | null;
    expiresAt?: Date | null;
    createdBy?: string | null;
    /** An operator's region scope (an administrative division code); others have none. */
    region?: string | null;
  },
): Promise<{ id: string; secret: string }> {
  const id = `key_${randomBytes(6).toString('hex')}`;
  const secret = `ot_${randomBytes(32).toString('base64url')}`;
  await insertApiKey(db, { ...key, id, secretHash: hashSecret(secret) });
  return { id, secret };
}

/** Ends the transaction of a rotation whose old key is no longer active. */
class KeyNotActive extends Error {}

/** Why a rotation did not happen: no such key, or one no longer active. */
export type RotationRefusal = { refused: 'not-found' } | { refused: 'not-active'; key: ApiKeyRow };

/**
 * Replaces a key with a new one of the same name, role and scope; the old one keeps working for
 * `graceSeconds`, then expires. One transaction: a key is rotated once, never to two successors.
 */
export async function rotateApiKey(
  pool: Pool,
  id: string,
  graceSeconds: number,
  createdBy: string | null,
): Promise<{ id: string; secret: string } | RotationRefusal> {
  const old = await findApiKey(pool, id);
  if (!old) return { refused: 'not-found' };
  const rotated = await withTransaction(pool, async (tx) => {
    const next = await createApiKey(tx, {
      name: old.name,
      role: old.role,
      scope: old.scope,
      expiresAt: old.expires_at,
      createdBy,
      region: old.region,
    });
    const retired = await retireApiKey(tx, id, next.id, new Date(Date.now() + graceSeconds * 1000));
    // Thrown to roll the new key back; answered below.
    if (!retired) throw new KeyNotActive();
    return next;
  }).catch((err: unknown) => {
    if (err instanceof KeyNotActive) return undefined;
    throw err;
  });
  return rotated ?? { refused: 'not-active', key: old };
}

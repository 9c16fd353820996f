import type { Principal, RoleName } from '../schemas/principal.js';
import type { Queryable } from './pool.js';

/** A live console session: who it acts for, and the token its changes must carry. */
export interface ConsoleSession {
  principal: Principal;
  csrfToken: string;
  expiresAt: Date;
}

/** Stores a new session of `keyId` that lasts `ttlSeconds`; returns when it expires. */
export async function insertConsoleSession(
  db: Queryable,
  session: { tokenHash: string; keyId: string; csrfToken: string; ttlSeconds: number },
): Promise<Date> {
  const { rows } = await db.query<{ expires_at: Date }>(
    // Signing in also clears the key's sessions that ended over a day ago, so the table stays
    // as small as the number of keys in use.
    `WITH pruned AS (
       DELETE FROM console_sessions
       WHERE key_id = $2 AND (expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day')
     )
     INSERT INTO console_sessions (token_hash, key_id, csrf_token, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4::integer))
     RETURNING expires_at`,
    [session.tokenHash, session.keyId, session.csrfToken, session.ttlSeconds],
  );
  const row = rows[0];
  if (!row) throw new Error('console session not stored');
  return row.expires_at;
}

/**
 * The session with this token hash if it is live: not expired, not signed out, and its API key
 * not revoked. A session never outlives the key it was opened with.
 */
export async function findConsoleSession(
  db: Queryable,
  tokenHash: string,
): Promise<ConsoleSession | undefined> {
  const { rows } = await db.query<{
    key_id: string;
    name: string;
    role: RoleName;
    scope: string | null;
    region: string | null;
    csrf_token: string;
    expires_at: Date;
  }>(
    `SELECT k.id AS key_id, k.name, k.role, k.scope, k.region, s.csrf_token, s.expires_at
     FROM console_sessions s JOIN api_keys k ON k.id = s.key_id
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
       AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())`,
    [tokenHash],
  );
  const row = rows[0];
  return (
    row && {
      principal: { keyId: row.key_id, name: row.name, role: row.role, scope: row.scope, region: row.region },
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
    }
  );
}

/** Ends a session (signing out); false if there is no such live session. */
export async function revokeConsoleSession(db: Queryable, tokenHash: string): Promise<boolean> {
  const result = await db.query(
    'UPDATE console_sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL',
    [tokenHash],
  );
  return result.rowCount === 1;
}

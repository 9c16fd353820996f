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

/** A person signed in through the OpenID provider: who they are and what their claims grant. */
export interface SessionPerson {
  subject: string;
  name: string;
  role: Extract<RoleName, 'operator' | 'admin' | 'clerk'>;
  scope: string | null;
  region: string | null;
  /** Supervises their department (the provider's claim): the console shows them its supervisor queue. */
  supervisor: boolean;
}

/** The principal a person's session acts as; its key id names the person, not a key. */
export const personKeyId = (subject: string) => `person:${subject}`;

/** Stores a new session of a signed-in person that lasts `ttlSeconds`; returns when it expires. */
export async function insertPersonSession(
  db: Queryable,
  session: { tokenHash: string; person: SessionPerson; csrfToken: string; ttlSeconds: number },
): Promise<Date> {
  const { person } = session;
  const { rows } = await db.query<{ expires_at: Date }>(
    // As for keys: the person's sessions that ended over a day ago go.
    `WITH pruned AS (
       DELETE FROM console_sessions
       WHERE person_subject = $2 AND (expires_at < now() - interval '1 day' OR revoked_at < now() - interval '1 day')
     )
     INSERT INTO console_sessions
       (token_hash, person_subject, person_name, person_role, person_scope, person_region, csrf_token, expires_at,
        person_supervisor)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8::integer), $9)
     RETURNING expires_at`,
    [
      session.tokenHash,
      person.subject,
      person.name,
      person.role,
      person.scope,
      person.region,
      session.csrfToken,
      session.ttlSeconds,
      person.supervisor,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('console session not stored');
  return row.expires_at;
}

/**
 * The session with this token hash if it is live: not expired, not signed out, and, for a key's
 * session, its API key not revoked. A session never outlives the key it was opened with.
 */
export async function findConsoleSession(
  db: Queryable,
  tokenHash: string,
): Promise<ConsoleSession | undefined> {
  const { rows } = await db.query<{
    key_id: string | null;
    name: string | null;
    role: RoleName | null;
    scope: string | null;
    person_subject: string | null;
    person_name: string | null;
    person_role: RoleName | null;
    person_scope: string | null;
    person_region: string | null;
    person_supervisor: boolean;
    region: string | null;
    csrf_token: string;
    expires_at: Date;
  }>(
    `SELECT k.id AS key_id, k.name, k.role, k.scope, k.region,
            s.person_subject, s.person_name, s.person_role, s.person_scope, s.person_region,
            s.person_supervisor,
            s.csrf_token, s.expires_at
     FROM console_sessions s LEFT JOIN api_keys k ON k.id = s.key_id
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
       AND (s.person_subject IS NOT NULL
            OR (k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > now())))`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return undefined;
  const principal =
    row.person_subject !== null && row.person_name !== null && row.person_role !== null
      ? {
          keyId: personKeyId(row.person_subject),
          name: row.person_name,
          role: row.person_role,
          scope: row.person_scope,
          region: row.person_region,
          supervisor: row.person_supervisor,
        }
      : row.key_id !== null && row.name !== null && row.role !== null
        ? { keyId: row.key_id, name: row.name, role: row.role, scope: row.scope, region: row.region }
        : undefined;
  return principal && { principal, csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

/** Ends a session (signing out); false if there is no such live session. */
export async function revokeConsoleSession(db: Queryable, tokenHash: string): Promise<boolean> {
  const result = await db.query(
    'UPDATE console_sessions SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL',
    [tokenHash],
  );
  return result.rowCount === 1;
}

import type { Queryable } from './pool.js';

/** What the callback of a sign-in needs from its start. */
export interface PendingSignIn {
  codeVerifier: string;
  nonce: string;
}

/** How long a person has to get through the provider's pages. */
const signInTtlSeconds = 10 * 60;

/** Records a sign-in that went to the provider; expired ones are cleared on the way. */
export async function insertPendingSignIn(
  db: Queryable,
  pending: PendingSignIn & { stateHash: string; browserHash: string },
): Promise<void> {
  await db.query(
    `WITH expired AS (DELETE FROM oidc_sign_ins WHERE expires_at < now())
     INSERT INTO oidc_sign_ins (state_hash, browser_hash, code_verifier, nonce, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5::integer))`,
    [pending.stateHash, pending.browserHash, pending.codeVerifier, pending.nonce, signInTtlSeconds],
  );
}

/**
 * Takes the pending sign-in of this state, if the same browser started it within its time: at
 * most once, so a replayed callback finds nothing.
 */
export async function takePendingSignIn(
  db: Queryable,
  stateHash: string,
  browserHash: string,
): Promise<PendingSignIn | undefined> {
  const { rows } = await db.query<{ code_verifier: string; nonce: string; browser_hash: string }>(
    `DELETE FROM oidc_sign_ins WHERE state_hash = $1 AND expires_at > now()
     RETURNING code_verifier, nonce, browser_hash`,
    [stateHash],
  );
  const row = rows[0];
  if (!row || row.browser_hash !== browserHash) return undefined;
  return { codeVerifier: row.code_verifier, nonce: row.nonce };
}

import { findPrincipalBySecretHash } from '../../db/api-keys.js';
import type { Queryable } from '../../db/pool.js';
import { hashSecret } from './api-keys.js';
import { isAdmitted } from './principal.js';

/**
 * True when `token` is an operator's or admin's API key: the check of the API's `/metrics`, for
 * processes that serve it without the API (the worker's health port).
 */
export async function isOperatorKey(db: Queryable, token: string | undefined): Promise<boolean> {
  if (!token) return false;
  const principal = await findPrincipalBySecretHash(db, hashSecret(token));
  return principal !== undefined && isAdmitted(principal, ['operator', 'admin']);
}

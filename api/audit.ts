import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../db/audit-log.js';
import type { AuditEntry } from '../db/audit-log.js';
import type { Queryable } from '../db/pool.js';
import { principalOf } from './auth/authenticate.js';
import { roleLabel } from './auth/principal.js';
import { ScopeRefusal } from './auth/scope-refusal.js';
import { ProblemError } from './problem.js';

/** The action of an entry; who did it comes from the request's principal. */
export type AuditedAction = Omit<AuditEntry, 'actorKey' | 'actorName' | 'role'>;

/**
 * Records what the caller did. An audit write that fails is logged, not thrown: the action
 * already happened, and the caller must learn that it did.
 */
export async function auditRequest(
  db: Queryable,
  request: FastifyRequest,
  action: AuditedAction,
): Promise<void> {
  const principal = principalOf(request);
  try {
    await recordAudit(db, {
      ...action,
      actorKey: principal.keyId,
      actorName: principal.name,
      role: roleLabel(principal),
    });
  } catch (err) {
    request.log.error({ err, action: action.action }, 'audit entry not recorded');
  }
}

/** What an entry records for an action that did not happen: the problem's code, or `failed`. */
export function refusalOf(err: unknown): Pick<AuditedAction, 'result' | 'detail'> {
  return err instanceof ProblemError
    ? { result: err.code, detail: { status: err.status, title: err.title } }
    : { result: 'failed' };
}

/**
 * Runs an action and records it however it ends: `ok`, or why it did not happen (FORBIDDEN,
 * TASK_CONFLICT, … or `failed`), refusals included; the error is rethrown. `note` adds what the
 * action learns on its way, such as the application of the task it found.
 */
export async function audited<T>(
  db: Queryable,
  request: FastifyRequest,
  action: Omit<AuditedAction, 'result'>,
  run: (note: (more: Partial<Omit<AuditedAction, 'action' | 'result'>>) => void) => Promise<T>,
): Promise<T> {
  let entry = action;
  let result: T;
  try {
    result = await run((more) => {
      entry = { ...entry, ...more };
    });
  } catch (err) {
    const refusal = refusalOf(err);
    await auditRequest(db, request, { ...entry, ...refusal, detail: { ...entry.detail, ...refusal.detail } });
    // This entry is the refusal's record: the authentication plugin need not write another.
    if (err instanceof ScopeRefusal) err.audited = true;
    throw err;
  }
  await auditRequest(db, request, { ...entry, result: 'ok' });
  return result;
}

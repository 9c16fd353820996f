import type { FastifyRequest } from 'fastify';
import { recordAudit } from '../db/audit-log.js';
import type { AuditEntry } from '../db/audit-log.js';
import type { Queryable } from '../db/pool.js';
import { principalOf } from './auth/authenticate.js';
import { roleLabel } from './auth/principal.js';

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

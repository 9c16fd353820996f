import type { FastifyRequest } from 'fastify';
import { problemCodes } from '../../schemas/error-codes.js';
import type { Principal } from '../../schemas/principal.js';
import { ProblemError } from '../problem.js';
import { principalOf } from './authenticate.js';

/**
 * The one department a principal is confined to: a clerk's, a department's or a scoped
 * operator's (`operator:police`); undefined for those who see every department.
 */
export function departmentScope(principal: Principal): string | undefined {
  return principal.role === 'operator' || principal.role === 'clerk' || principal.role === 'department'
    ? (principal.scope ?? undefined)
    : undefined;
}

/** True when the principal may see or act on a step of this department. */
export function inScope(principal: Principal, department: string): boolean {
  const scope = departmentScope(principal);
  return scope === undefined || scope === department;
}

/** Only steps of the caller's department, for a scoped caller; all of them otherwise. */
export function stepsInScope<T extends { department: string }>(
  principal: Principal,
  steps: readonly T[],
): T[] {
  return steps.filter((s) => inScope(principal, s.department));
}

/**
 * The ids of the application's steps the principal may see, or undefined when it sees them all:
 * what filters its timeline, events and access log.
 */
export function visibleStepIds(
  principal: Principal,
  steps: ReadonlyArray<{ step_id: string; department: string }>,
): ReadonlySet<string> | undefined {
  if (departmentScope(principal) === undefined) return undefined;
  return new Set(stepsInScope(principal, steps).map((s) => s.step_id));
}

const outOfScope = (detail: string) =>
  new ProblemError(403, problemCodes.outOfScope, "Outside your key's scope", detail);

/** Refuses a scoped caller an action on another department's step, task or state. */
export function requireDepartment(request: FastifyRequest, department: string): void {
  const principal = principalOf(request);
  if (!inScope(principal, department))
    throw outOfScope(`Your key is scoped to ${departmentScope(principal) ?? ''}; this is ${department}'s.`);
}

/**
 * Refuses a scoped operator what reaches every department at once (withdrawing a whole
 * application, reconciling, reading the audit log of everyone's actions).
 */
export function requireUnscoped(request: FastifyRequest): void {
  const scope = departmentScope(principalOf(request));
  if (scope !== undefined) throw outOfScope(`Your key is scoped to ${scope}; this reaches every department.`);
}

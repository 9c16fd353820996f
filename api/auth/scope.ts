import type { FastifyRequest } from 'fastify';
import { problemCodes } from '../../schemas/error-codes.js';
import type { Principal } from '../../schemas/principal.js';
import { inRegion, regionPrefix } from '../../schemas/regions.js';
import { principalOf } from './authenticate.js';
import { ScopeRefusal } from './scope-refusal.js';

/**
 * The one department a principal is confined to: a clerk's, a department's or a scoped
 * operator's (`operator:police`); undefined for those who see every department.
 */
export function departmentScope(principal: Principal): string | undefined {
  return principal.role === 'operator' || principal.role === 'clerk' || principal.role === 'department'
    ? (principal.scope ?? undefined)
    : undefined;
}

/** The region an operator is confined to (an administrative division code); undefined: every region. */
export function regionScope(principal: Principal): string | undefined {
  return principal.role === 'operator' ? (principal.region ?? undefined) : undefined;
}

/** What a query keeps for a region-scoped operator: codes starting with this; undefined: any. */
export function regionPrefixOf(principal: Principal): string | undefined {
  const region = regionScope(principal);
  return region === undefined ? undefined : regionPrefix(region);
}

/** True when the principal may see or act on a step of this department. */
export function inScope(principal: Principal, department: string): boolean {
  const scope = departmentScope(principal);
  return scope === undefined || scope === department;
}

/** True when the principal may see or act on an application of this region. */
export function regionInScope(principal: Principal, region: string): boolean {
  const scope = regionScope(principal);
  return scope === undefined || inRegion(scope, region);
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

/** How a key's scope reads in a refusal: `police`, `region 330106`, `police in region 330106`. */
function scopeWords(principal: Principal): string {
  const department = departmentScope(principal);
  const region = regionScope(principal);
  if (department !== undefined && region !== undefined) return `${department} in region ${region}`;
  return department ?? (region === undefined ? 'nothing' : `region ${region}`);
}

const outOfScope = (principal: Principal, reachedFor: string) =>
  new ScopeRefusal(
    403,
    problemCodes.outOfScope,
    "Outside your key's scope",
    `Your key is scoped to ${scopeWords(principal)}; this is ${reachedFor}.`,
    reachedFor,
  );

/**
 * Something that exists but is outside the caller's scope, answered exactly as if it did not
 * exist (a 404 with the resource's own code), yet recorded in the audit log as a refusal.
 */
export function hiddenOutOfScope(
  code: typeof problemCodes.applicationNotFound | typeof problemCodes.bulkActionNotFound,
  title: string,
  reachedFor: string,
): ScopeRefusal {
  return new ScopeRefusal(404, code, title, title, reachedFor);
}

/** Refuses a scoped caller an action on another department's step, task or state. */
export function requireDepartment(request: FastifyRequest, department: string): void {
  const principal = principalOf(request);
  if (!inScope(principal, department))
    throw outOfScope(principal, department === '' ? 'every department' : `${department}'s`);
}

/** Refuses a region-scoped operator an application of another region. */
export function requireRegion(request: FastifyRequest, region: string): void {
  const principal = principalOf(request);
  if (!regionInScope(principal, region)) throw outOfScope(principal, `an application of region ${region}`);
}

/**
 * The region a list or a bulk action of this caller covers: the one it asked for, which must lie
 * in its scope, or else its scope's (undefined: every region).
 */
export function regionFilter(request: FastifyRequest, asked: string | undefined): string | undefined {
  if (asked !== undefined) {
    requireRegion(request, asked);
    return asked;
  }
  return regionScope(principalOf(request));
}

/**
 * Refuses a department-scoped operator what reaches every department of an application at once
 * (withdrawing it); a region-scoped one may, in its region.
 */
export function requireEveryDepartment(request: FastifyRequest): void {
  const principal = principalOf(request);
  if (departmentScope(principal) !== undefined) throw outOfScope(principal, 'every department');
}

/** Refuses a region-scoped operator what reaches every region at once (pausing a department). */
export function requireEveryRegion(request: FastifyRequest): void {
  const principal = principalOf(request);
  if (regionScope(principal) !== undefined) throw outOfScope(principal, 'every region');
}

/**
 * Refuses a scoped operator what reaches every department and region at once (reconciling,
 * reading the audit log of everyone's actions, decoding any workflow's payloads).
 */
export function requireUnscoped(request: FastifyRequest): void {
  requireEveryDepartment(request);
  requireEveryRegion(request);
}

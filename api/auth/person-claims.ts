import type { SessionPerson } from '../../db/console-sessions.js';
import { regionCodeSchema } from '../../schemas/regions.js';

/** Which claims of the provider name a person's role, department, region and display name. */
export interface ClaimNames {
  role: string;
  department: string;
  region: string;
  name: string;
  /** Says the person supervises their department (true or "true"). */
  supervisor: string;
}

/** The claim names a provider is read with unless configured otherwise (`OIDC_*_CLAIM`). */
export const defaultClaimNames: ClaimNames = {
  role: 'onething_role',
  department: 'onething_department',
  region: 'onething_region',
  name: 'name',
  supervisor: 'onething_supervisor',
};

/** Why a signed-in person gets no session: shown to them, audited. */
export type PersonRefusal = 'no-role' | 'unknown-role' | 'clerk-without-department' | 'invalid-region';

const personRoles = ['operator', 'admin', 'clerk'] as const;

const isTrue = (value: unknown) => value === true || value === 'true';

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

/**
 * The person a verified set of claims describes, or why they may not sign in. People hold the
 * roles of people (operator, admin, clerk); portals and departments are machines and keep their
 * API keys. A clerk works for one department; an operator with a department is scoped to it.
 */
export function personFromClaims(
  claims: Record<string, unknown>,
  names: ClaimNames,
): SessionPerson | { refused: PersonRefusal } {
  const role = text(claims[names.role]);
  if (role === null) return { refused: 'no-role' };
  if (!(personRoles as readonly string[]).includes(role)) return { refused: 'unknown-role' };
  const department = text(claims[names.department]);
  if (role === 'clerk' && department === null) return { refused: 'clerk-without-department' };
  // A region that does not parse would otherwise read as no region: every region.
  const region = text(claims[names.region]);
  if (region !== null && !regionCodeSchema.safeParse(region).success) return { refused: 'invalid-region' };
  const subject = text(claims.sub);
  if (subject === null) throw new Error('verified claims without a subject');
  return {
    subject,
    // A provider without the name claim still names the person by their subject.
    name: text(claims[names.name]) ?? subject,
    role: role as SessionPerson['role'],
    scope: role === 'admin' ? null : department,
    region: role === 'admin' ? null : region,
    // A supervisor of a department: a clerk's or scoped operator's claim, nobody else's.
    supervisor: department !== null && role !== 'admin' && isTrue(claims[names.supervisor]),
  };
}

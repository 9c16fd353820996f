/** The roles of Onething's callers. */
export type RoleName = 'portal' | 'operator' | 'admin' | 'clerk' | 'department';

/**
 * Who calls, from a verified API key (or, behind an OIDC proxy, a verified token).
 * `scope` is the portal's client id for `portal`, the department id for `clerk` and `department`.
 */
export interface Principal {
  keyId: string;
  name: string;
  role: RoleName;
  scope: string | null;
}

/**
 * Who may call a route: `public`, or a list of roles. A role may be narrowed to one scope,
 * e.g. `clerk:police`; a bare `clerk` admits a clerk of any department (the route then checks
 * the department against the resource).
 */
export type RouteAccess = 'public' | readonly string[];

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route must declare who may call it; start-up fails for a route that does not. */
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Set by the authentication hook for every non-public route. */
    principal: Principal | null;
  }
}

/** `portal`, `operator`, `clerk:police`, … as shown in dev-keys.json and the CLI. */
export function roleLabel(principal: Pick<Principal, 'role' | 'scope'>): string {
  return principal.role === 'clerk' || principal.role === 'department'
    ? `${principal.role}:${principal.scope ?? ''}`
    : principal.role;
}

/** True if the principal holds one of the roles the route admits. */
export function isAdmitted(principal: Principal, access: readonly string[]): boolean {
  const label = roleLabel(principal);
  return access.some((allowed) => allowed === principal.role || allowed === label);
}

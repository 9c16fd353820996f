import type { Principal } from '../../schemas/principal.js';

/**
 * Who may call a route: `public`, or a list of roles. A role may be narrowed to one scope,
 * e.g. `clerk:police`; a bare `clerk` admits a clerk of any department (the route then checks
 * the department against the resource).
 */
export type RouteAccess = 'public' | readonly string[];

/** One route and who may call it, as the authentication plugin saw it registered. */
export interface RouteAccessEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

/** The console session a request was authenticated with (by its cookie, not a bearer key). */
export interface SessionAuth {
  /** sha256 of the cookie's token: what is stored and revoked. */
  tokenHash: string;
  csrfToken: string;
  expiresAt: Date;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Every route must declare who may call it; start-up fails for a route that does not. */
    access?: RouteAccess;
    /**
     * A change this route makes may be authenticated by the session cookie without the
     * `X-CSRF-Token` header. Only for routes a forged request cannot abuse; say why at the route.
     */
    csrfExempt?: boolean;
  }
  interface FastifyRequest {
    /** Set by the authentication hook for every non-public route. */
    principal: Principal | null;
    /** Set instead of null when the session cookie, not a bearer key, authenticated the request. */
    consoleSession: SessionAuth | null;
  }
  interface FastifyInstance {
    /** Drops a signed-out session from the authentication cache, so it is refused at once. */
    forgetConsoleSession(tokenHash: string): void;
    /**
     * Every route but the OpenAPI pages, with who may call it: what the authorization test
     * walks, so a route added later cannot go untested.
     */
    routeAccess: readonly RouteAccessEntry[];
  }
}

/** `portal`, `operator`, `operator:police`, `clerk:police`, … as shown in dev-keys.json and the CLI. */
export function roleLabel(principal: Pick<Principal, 'role' | 'scope'>): string {
  return principal.role === 'clerk' ||
    principal.role === 'department' ||
    (principal.role === 'operator' && principal.scope !== null)
    ? `${principal.role}:${principal.scope ?? ''}`
    : principal.role;
}

/** True if the principal holds one of the roles the route admits. */
export function isAdmitted(principal: Principal, access: readonly string[]): boolean {
  const label = roleLabel(principal);
  return access.some((allowed) => allowed === principal.role || allowed === label);
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { findPrincipalBySecretHash } from '../../db/api-keys.js';
import { recordAudit } from '../../db/audit-log.js';
import { findConsoleSession } from '../../db/console-sessions.js';
import type { ConsoleSession } from '../../db/console-sessions.js';
import type { Queryable } from '../../db/pool.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { sendProblem } from '../problem.js';
import { hashSecret } from './api-keys.js';
import type { Principal } from '../../schemas/principal.js';
import type { RouteAccessEntry } from './principal.js';
import { isAdmitted, roleLabel } from './principal.js';
import { ScopeRefusal } from './scope-refusal.js';
import { clearedSessionCookie, sameToken, sessionTokenFrom } from './session-cookie.js';

export interface AuthOptions {
  db: Queryable;
  /**
   * How long a verified key or console session is trusted without asking the database again;
   * bounds the delay of a revocation made elsewhere (another process, the keys CLI).
   */
  cacheTtlMs?: number;
}

/** Methods that change nothing, so a cookie may authenticate them without a CSRF token. */
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authentication and role checks for every route: a bearer API key, or, without an
 * Authorization header, an operator's console session cookie (changes made with the cookie must
 * carry the session's CSRF token). A route without an `access` declaration stops start-up: no
 * route is open by accident.
 */
export const authentication = fp<AuthOptions>(
  async (app: FastifyInstance, options) => {
    const ttl = options.cacheTtlMs ?? 10_000;
    const cache = new Map<string, { principal: Principal | undefined; until: number }>();
    const sessions = new Map<string, { session: ConsoleSession | undefined; until: number }>();

    async function principalFor(secret: string): Promise<Principal | undefined> {
      const hash = hashSecret(secret);
      const cached = cache.get(hash);
      if (cached && cached.until > Date.now()) return cached.principal;
      const principal = await findPrincipalBySecretHash(options.db, hash);
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, { principal, until: Date.now() + ttl });
      return principal;
    }

    async function sessionFor(tokenHash: string): Promise<ConsoleSession | undefined> {
      const cached = sessions.get(tokenHash);
      if (cached && cached.until > Date.now()) return cached.session;
      const session = await findConsoleSession(options.db, tokenHash);
      if (sessions.size > 10_000) sessions.clear();
      // Never trusted past its expiry, whatever the cache's lifetime.
      const until = Math.min(Date.now() + ttl, session?.expiresAt.getTime() ?? Infinity);
      sessions.set(tokenHash, { session, until });
      return session;
    }

    app.decorate('forgetConsoleSession', (tokenHash: string) => {
      sessions.delete(tokenHash);
    });
    app.decorateRequest('principal', null);
    app.decorateRequest('consoleSession', null);
    const routes: RouteAccessEntry[] = [];
    app.decorate('routeAccess', routes);
    app.addHook('onRoute', (route) => {
      if (route.url.startsWith('/docs')) return;
      const access = route.config?.access;
      if (access === undefined) {
        throw new Error(
          `route ${route.method.toString()} ${route.url} does not declare who may call it (config.access)`,
        );
      }
      for (const method of [route.method].flat()) routes.push({ method, url: route.url, access });
    });

    async function refuseRole(
      request: FastifyRequest,
      reply: FastifyReply,
      principal: Principal,
      access: readonly string[],
    ) {
      // A clerk or operator reaching beyond their role is an action refused: the audit log keeps
      // it. Portals and departments are machines; their refusals are only answered.
      if (['clerk', 'operator', 'admin'].includes(principal.role)) {
        await recordAudit(options.db, {
          actorKey: principal.keyId,
          actorName: principal.name,
          role: roleLabel(principal),
          action: 'route.refused',
          // The path as called (with its ids), cut to a sane length: the caller chose it.
          target: `${request.method} ${request.url.split('?')[0]?.slice(0, 300) ?? ''}`,
          result: problemCodes.forbidden,
        }).catch((err: unknown) => request.log.error({ err }, 'audit entry not recorded'));
      }
      return sendProblem(reply, {
        status: 403,
        code: problemCodes.forbidden,
        title: 'Not allowed for this role',
        detail: `This route is for: ${access.join(', ')}.`,
      });
    }

    async function authenticateBySession(
      request: FastifyRequest,
      reply: FastifyReply,
      access: readonly string[],
      token: string,
    ) {
      const tokenHash = hashSecret(token);
      const session = await sessionFor(tokenHash);
      if (!session) {
        // The browser drops the dead cookie, and the page can sign in again.
        reply.header('set-cookie', clearedSessionCookie(request.protocol === 'https'));
        return sendProblem(reply.header('www-authenticate', 'Bearer'), {
          status: 401,
          code: problemCodes.unauthenticated,
          title: 'Authentication required',
          detail: 'The session expired, was signed out, or its API key was revoked; sign in again.',
        });
      }
      if (!isAdmitted(session.principal, access))
        return refuseRole(request, reply, session.principal, access);
      const csrfToken = request.headers['x-csrf-token'];
      if (
        !safeMethods.has(request.method) &&
        !request.routeOptions.config.csrfExempt &&
        !sameToken(session.csrfToken, typeof csrfToken === 'string' ? csrfToken : undefined)
      ) {
        return sendProblem(reply, {
          status: 403,
          code: problemCodes.csrfTokenInvalid,
          title: 'The CSRF token is missing or wrong',
          detail: "A change made with the session cookie must send the session's csrfToken as X-CSRF-Token.",
        });
      }
      request.principal = session.principal;
      request.consoleSession = { tokenHash, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
    }

    // Every scope refusal goes to the audit log, wherever a route refused: a caller reaching
    // outside its key's scope is what the log is for. A route's own audited action may have
    // recorded it already (`audited`); portals and departments are machines, as above.
    app.addHook('onError', async (request, _reply, error) => {
      const principal = request.principal;
      if (!(error instanceof ScopeRefusal) || error.audited || !principal) return;
      if (!['clerk', 'operator', 'admin'].includes(principal.role)) return;
      error.audited = true;
      await recordAudit(options.db, {
        actorKey: principal.keyId,
        actorName: principal.name,
        role: roleLabel(principal),
        action: 'scope.refused',
        target: `${request.method} ${request.url.split('?')[0]?.slice(0, 300) ?? ''}`,
        result: error.code,
        detail: { status: error.status, reachedFor: error.reachedFor },
      }).catch((err: unknown) => request.log.error({ err }, 'audit entry not recorded'));
    });

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const access = request.routeOptions.config.access ?? 'public';
      const header = request.headers.authorization;
      // A public route needs no key, but a key that is sent must be valid: a portal with a wrong or
      // revoked key learns it from the first request, whatever the route.
      if (access === 'public' && header === undefined) return;
      if (header === undefined && access !== 'public') {
        const token = sessionTokenFrom(request.headers.cookie);
        if (token) return authenticateBySession(request, reply, access, token);
      }
      const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
      let principal: Awaited<ReturnType<typeof principalFor>>;
      try {
        principal = match?.[1] ? await principalFor(match[1]) : undefined;
      } catch (err) {
        // A public route needs no key: with PostgreSQL away the key cannot be checked, and the
        // route (a readiness probe above all) answers for itself.
        if (access === 'public') return;
        throw err;
      }
      if (!principal) {
        return sendProblem(reply.header('www-authenticate', 'Bearer'), {
          status: 401,
          code: problemCodes.unauthenticated,
          title: 'Authentication required',
          detail: match
            ? 'The API key is not valid or was revoked.'
            : 'Send an API key as Authorization: Bearer <key>, or sign in to the console.',
        });
      }
      if (access !== 'public' && !isAdmitted(principal, access))
        return refuseRole(request, reply, principal, access);
      request.principal = principal;
    });
  },
  { name: 'onething-authentication' },
);

/** The authenticated principal of a non-public route. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf called on a public route');
  return request.principal;
}

/**
 * The portal a portal-only route acts for: its applications, webhooks and events. The route's
 * `access: ['portal']` has already refused anyone else, so a principal without one is a bug.
 */
export function portalClientOf(request: FastifyRequest): string {
  const principal = principalOf(request);
  if (principal.role !== 'portal' || !principal.scope) throw new Error('not a portal principal');
  return principal.scope;
}

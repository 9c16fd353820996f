import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { findPrincipalBySecretHash } from '../../db/api-keys.js';
import type { Queryable } from '../../db/pool.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { sendProblem } from '../problem.js';
import { hashSecret } from './api-keys.js';
import type { Principal } from './principal.js';
import { isAdmitted } from './principal.js';

export interface AuthOptions {
  db: Queryable;
  /** How long a verified key is trusted without asking the database again; bounds revocation delay. */
  cacheTtlMs?: number;
}

/**
 * Bearer-token authentication and role checks for every route. A route without an `access`
 * declaration stops start-up: no route is open by accident.
 */
export const authentication = fp<AuthOptions>(
  async (app: FastifyInstance, options) => {
    const ttl = options.cacheTtlMs ?? 10_000;
    const cache = new Map<string, { principal: Principal | undefined; until: number }>();

    async function principalFor(secret: string): Promise<Principal | undefined> {
      const hash = hashSecret(secret);
      const cached = cache.get(hash);
      if (cached && cached.until > Date.now()) return cached.principal;
      const principal = await findPrincipalBySecretHash(options.db, hash);
      if (cache.size > 10_000) cache.clear();
      cache.set(hash, { principal, until: Date.now() + ttl });
      return principal;
    }

    app.decorateRequest('principal', null);
    app.addHook('onRoute', (route) => {
      if (route.config?.access === undefined && !route.url.startsWith('/docs')) {
        throw new Error(
          `route ${route.method.toString()} ${route.url} does not declare who may call it (config.access)`,
        );
      }
    });
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const access = request.routeOptions.config.access ?? 'public';
      if (access === 'public') return;
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const principal = match?.[1] ? await principalFor(match[1]) : undefined;
      if (!principal) {
        return sendProblem(reply.header('www-authenticate', 'Bearer'), {
          status: 401,
          code: problemCodes.unauthenticated,
          title: 'Authentication required',
          detail: match
            ? 'The API key is not valid or was revoked.'
            : 'Send an API key as Authorization: Bearer <key>.',
        });
      }
      if (!isAdmitted(principal, access)) {
        return sendProblem(reply, {
          status: 403,
          code: problemCodes.forbidden,
          title: 'Not allowed for this role',
          detail: `This route is for: ${access.join(', ')}.`,
        });
      }
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

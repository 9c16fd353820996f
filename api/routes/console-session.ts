import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findPrincipalBySecretHash } from '../../db/api-keys.js';
import { insertConsoleSession, revokeConsoleSession } from '../../db/console-sessions.js';
import { problemResponses, problemSchema } from '../../schemas/api.js';
import { consoleSessionSchema } from '../../schemas/console-session.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { auditRequest } from '../audit.js';
import { hashSecret } from '../auth/api-keys.js';
import { principalOf } from '../auth/authenticate.js';
import { roleLabel } from '../auth/principal.js';
import type { SessionAuth } from '../auth/principal.js';
import type { Principal } from '../../schemas/principal.js';
import {
  clearedSessionCookie,
  newSessionSecret,
  sessionCookie,
  sessionTokenFrom,
  sessionTtlSeconds,
} from '../auth/session-cookie.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

/** The roles whose keys may open a console session: the console and the codec endpoint are theirs. */
const consoleKeyRoles = ['operator', 'admin'] as const;
/** Who may read and end a session: clerks sign in as people, through the OpenID provider. */
const sessionRoles = [...consoleKeyRoles, 'clerk'] as const;

const signInBodySchema = z
  .object({ apiKey: z.string().min(1).max(200).describe("the operator's API key; never stored") })
  .strict();

const sessionView = (principal: Principal, csrfToken: string, expiresAt: Date) => ({
  csrfToken,
  name: principal.name,
  role: roleLabel(principal),
  expiresAt: expiresAt.toISOString(),
  supervisor: principal.supervisor === true,
});

const problems = { ...problemResponses(401, 403, 429) };

/** True when the API was reached over https: the cookie is then marked Secure. */
const overHttps = (request: FastifyRequest) => request.protocol === 'https';

/** The session the cookie authenticated; a bearer key has none. */
function sessionOf(request: FastifyRequest): SessionAuth {
  if (!request.consoleSession) {
    throw new ProblemError(
      401,
      problemCodes.unauthenticated,
      'No console session',
      'This route reads the session cookie; sign in with POST /v1/console/session.',
    );
  }
  return request.consoleSession;
}

/**
 * Operators' browser sessions: an operator signs in once with an API key and the browser keeps an
 * HttpOnly cookie instead, which the console and the Temporal UI's codec calls authenticate with.
 */
export const consoleSessionRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    '/v1/console/session',
    {
      // The key in the body authenticates; unauthenticated calls are rate-limited per address.
      config: { access: 'public' },
      schema: {
        summary: 'Sign in to the console with an operator or admin API key',
        description:
          'Sets the `onething_session` cookie (HttpOnly, SameSite=Strict, 8 hours). A session ends when it expires, when it is signed out, or when its API key is revoked.',
        tags: ['operations'],
        body: signInBodySchema,
        response: { 200: consoleSessionSchema, 400: problemSchema, ...problems },
      },
    },
    async (request, reply) => {
      const principal = await findPrincipalBySecretHash(deps.pool, hashSecret(request.body.apiKey));
      if (!principal) {
        throw new ProblemError(401, problemCodes.unauthenticated, 'The API key is not valid or was revoked');
      }
      if (!(consoleKeyRoles as readonly string[]).includes(principal.role)) {
        throw new ProblemError(
          403,
          problemCodes.forbidden,
          'Not allowed for this role',
          `Only ${consoleKeyRoles.join(' and ')} keys sign in to the console.`,
        );
      }
      // Signing in again replaces the browser's session rather than leaving it live unseen.
      const previous = sessionTokenFrom(request.headers.cookie);
      if (previous) await endSession(hashSecret(previous));

      const token = newSessionSecret();
      const csrfToken = newSessionSecret();
      const expiresAt = await insertConsoleSession(deps.pool, {
        tokenHash: hashSecret(token),
        keyId: principal.keyId,
        csrfToken,
        ttlSeconds: sessionTtlSeconds,
      });
      request.principal = principal;
      await auditRequest(deps.pool, request, { action: 'console.sign-in', result: 'ok' });
      reply.header('set-cookie', sessionCookie(token, overHttps(request)));
      return sessionView(principal, csrfToken, expiresAt);
    },
  );

  app.get(
    '/v1/console/session',
    {
      config: { access: sessionRoles },
      schema: {
        summary: "This browser's console session",
        description: 'Answers 401 without a live session cookie; the page then shows the sign-in form.',
        tags: ['operations'],
        response: { 200: consoleSessionSchema, ...problems },
      },
    },
    async (request) => {
      const session = sessionOf(request);
      return sessionView(principalOf(request), session.csrfToken, session.expiresAt);
    },
  );

  app.delete(
    '/v1/console/session',
    {
      config: { access: sessionRoles },
      schema: {
        summary: 'Sign out of the console',
        description: 'Ends the session at once and clears the cookie; needs X-CSRF-Token like any change.',
        tags: ['operations'],
        response: { 204: z.null().describe('signed out'), ...problems },
      },
    },
    async (request, reply: FastifyReply) => {
      await endSession(sessionOf(request).tokenHash);
      await auditRequest(deps.pool, request, { action: 'console.sign-out', result: 'ok' });
      return reply
        .header('set-cookie', clearedSessionCookie(overHttps(request)))
        .code(204)
        .send(null);
    },
  );

  async function endSession(tokenHash: string) {
    await revokeConsoleSession(deps.pool, tokenHash);
    app.forgetConsoleSession(tokenHash);
  }
};

import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../db/audit-log.js';
import { insertPersonSession, personKeyId } from '../../db/console-sessions.js';
import { insertPendingSignIn, takePendingSignIn } from '../../db/oidc-sign-ins.js';
import { problemResponses, problemSchema } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { hashSecret } from '../auth/api-keys.js';
import { bindingHash } from '../auth/oidc.js';
import type { OidcRelyingParty } from '../auth/oidc.js';
import { personFromClaims } from '../auth/person-claims.js';
import type { PersonRefusal } from '../auth/person-claims.js';
import { roleLabel } from '../auth/principal.js';
import { newSessionSecret, sessionCookie, sessionTtlSeconds } from '../auth/session-cookie.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

/**
 * Ties a sign-in to the browser that started it (login CSRF): only that browser holds the value
 * whose hash the pending sign-in stores. SameSite=Lax, unlike the session cookie: the provider's
 * redirect back is a top-level navigation from another site, which Lax lets through.
 */
const bindingCookieName = 'onething_sign_in';
const bindingCookiePath = '/v1/console/oidc';

const bindingCookie = (value: string, secure: boolean, maxAge: number) =>
  `${bindingCookieName}=${value}; HttpOnly; SameSite=Lax; Path=${bindingCookiePath}; Max-Age=${maxAge}${
    secure ? '; Secure' : ''
  }`;

function bindingFrom(cookieHeader: string | undefined): string | undefined {
  for (const part of cookieHeader?.split(';') ?? []) {
    const [name, value] = part.trim().split('=', 2);
    if (name === bindingCookieName && value && /^[A-Za-z0-9_-]{16,128}$/.test(value)) return value;
  }
  return undefined;
}

/**
 * The page the callback answers with. The session cookie is SameSite=Strict, and a browser keeps
 * it back from a navigation that a redirect chain from the provider's site started; a page of
 * this API's own that moves on to the console makes that next navigation same-site.
 */
const continuePage = (target: string) => `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${target}">
<title>已登录 · Signed in</title></head>
<body><p><a href="${target}">继续 · Continue</a></p></body></html>
`;

/** What a refused person is told to ask their administrator for. */
const refusalDetail: Record<PersonRefusal, string> = {
  'no-role':
    'Ask your administrator to grant you a role (operator, admin or clerk) in the identity provider.',
  'unknown-role':
    'Your role in the identity provider is none of operator, admin or clerk; ask your administrator.',
  'clerk-without-department':
    'A clerk must belong to a department; ask your administrator to set it in the identity provider.',
  'invalid-region':
    'Your region in the identity provider is not a 6-digit division code (行政区划代码); ask your administrator.',
};

const callbackQuerySchema = z
  .object({
    code: z.string().max(2000).optional(),
    state: z.string().max(500).optional(),
    error: z.string().max(200).optional(),
    error_description: z.string().max(2000).optional(),
    iss: z.string().max(500).optional(),
    session_state: z.string().max(500).optional(),
  })
  .describe("what the OpenID provider sends back: a code and this sign-in's state, or an error");

const overHttps = (request: FastifyRequest) => request.protocol === 'https';

function relyingPartyOf(deps: ApiDeps): OidcRelyingParty {
  if (!deps.oidc) {
    throw new ProblemError(
      404,
      problemCodes.signInNotConfigured,
      'Sign-in with the OpenID provider is not configured',
      'Set OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_REDIRECT_URL; until then operators sign in with an API key.',
    );
  }
  return deps.oidc;
}

/**
 * People (operators, admins, clerks and officers) sign in through the organisation's OpenID
 * provider with the authorization code flow and PKCE; the session they get is the console's
 * cookie session, and it names the person, so the access and audit logs say who saw what.
 */
export const consoleOidcRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    '/v1/console/oidc/sign-in',
    {
      config: { access: 'public' },
      schema: {
        summary: "Sign in as a person through the organisation's OpenID provider",
        description:
          'Redirects the browser to the provider (authorization code with PKCE). After the person signs in there, the provider sends the browser back to `/v1/console/oidc/callback`, which opens a console session naming the person. 404 `SIGN_IN_NOT_CONFIGURED` when the deployment has no provider.',
        tags: ['operations'],
        response: {
          302: z.null().describe("to the provider's sign-in page"),
          ...problemResponses(404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const relyingParty = relyingPartyOf(deps);
      const start = await relyingParty.start().catch((err: unknown) => {
        request.log.error({ err }, 'OpenID provider unreachable');
        throw new ProblemError(503, problemCodes.engineUnavailable, 'The OpenID provider cannot be reached');
      });
      const browser = newSessionSecret();
      await insertPendingSignIn(deps.pool, {
        stateHash: bindingHash(start.state),
        browserHash: bindingHash(browser),
        codeVerifier: start.codeVerifier,
        nonce: start.nonce,
      });
      return reply
        .header('set-cookie', bindingCookie(browser, overHttps(request), 600))
        .header('cache-control', 'no-store')
        .redirect(start.url.href, 302);
    },
  );

  app.get(
    '/v1/console/oidc/callback',
    {
      config: { access: 'public' },
      schema: {
        summary: 'Where the OpenID provider sends the browser back after a sign-in',
        description:
          "Finishes a sign-in this browser started within ten minutes, once: the code is exchanged with the PKCE verifier, the ID token verified, the person's claims mapped to a role. Sets the session cookie and answers a page that moves on to the console. 403 `SIGN_IN_NO_ROLE` for a person whose claims grant no role.",
        tags: ['operations'],
        querystring: callbackQuerySchema,
        response: {
          200: z.string().describe('a page that moves on to the console'),
          400: problemSchema,
          ...problemResponses(403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const relyingParty = relyingPartyOf(deps);
      const { state, error } = request.query;
      const browser = bindingFrom(request.headers.cookie);
      const pending =
        state !== undefined && browser !== undefined
          ? await takePendingSignIn(deps.pool, bindingHash(state), bindingHash(browser))
          : undefined;
      const secure = overHttps(request);
      reply.header('set-cookie', bindingCookie('', secure, 0)).header('cache-control', 'no-store');
      if (!pending || state === undefined) {
        throw new ProblemError(
          400,
          problemCodes.signInExpired,
          'No sign-in of this browser waits for this answer',
          'The sign-in took over ten minutes, was finished already, or began in another browser; sign in again.',
        );
      }
      if (error !== undefined) {
        throw new ProblemError(
          403,
          problemCodes.signInFailed,
          'The OpenID provider refused the sign-in',
          error,
        );
      }
      const rawQuery = request.url.slice(request.url.indexOf('?') + 1);
      const claims = await relyingParty.finish(rawQuery, { state, ...pending }).catch((err: unknown) => {
        request.log.warn({ err }, 'OpenID sign-in did not verify');
        throw new ProblemError(
          403,
          problemCodes.signInFailed,
          "The OpenID provider's answer did not verify",
          'Sign in again.',
        );
      });
      const person = personFromClaims(claims, relyingParty.settings.claims);
      const subject = typeof claims.sub === 'string' ? claims.sub : 'unknown';
      if ('refused' in person) {
        await recordAudit(deps.pool, {
          actorKey: personKeyId(subject),
          actorName: typeof claims.name === 'string' ? claims.name : subject,
          role: 'none',
          action: 'console.sign-in',
          result: problemCodes.signInNoRole,
          detail: { reason: person.refused, via: 'oidc' },
        });
        throw new ProblemError(
          403,
          problemCodes.signInNoRole,
          'Your account has no role in Onething',
          refusalDetail[person.refused],
        );
      }
      const token = newSessionSecret();
      const csrfToken = newSessionSecret();
      await insertPersonSession(deps.pool, {
        tokenHash: hashSecret(token),
        person,
        csrfToken,
        ttlSeconds: sessionTtlSeconds,
      });
      await recordAudit(deps.pool, {
        actorKey: personKeyId(person.subject),
        actorName: person.name,
        role: roleLabel(person),
        action: 'console.sign-in',
        result: 'ok',
        detail: { via: 'oidc' },
      });
      return reply
        .header('set-cookie', [bindingCookie('', secure, 0), sessionCookie(token, secure)])
        .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
        .type('text/html; charset=utf-8')
        .send(continuePage('/console/'));
    },
  );
};

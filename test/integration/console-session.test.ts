import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createApiKey, hashSecret } from '../../api/auth/api-keys.js';
import { revokeApiKey } from '../../db/api-keys.js';
import { startTestStack, testTemporalUiOrigin } from '../support/stack.js';
import type { TestRole, TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> | undefined;
}

/** A request as a browser would send it: no Authorization, the cookie if given. */
async function call(
  method: string,
  path: string,
  options: { cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

/** Signs in with a key; the answer, and the cookie as the browser would send it back. */
async function signIn(apiKey: string, cookie?: string) {
  const answer = await call('POST', '/v1/console/session', {
    body: { apiKey },
    ...(cookie ? { cookie } : {}),
  });
  const setCookie = answer.headers.getSetCookie()[0] ?? '';
  return { ...answer, setCookie, cookie: setCookie.split(';')[0] ?? '' };
}

async function signedIn(role: TestRole = 'operator') {
  const session = await signIn(stack.keys[role]);
  expect(session.status).toBe(200);
  return { cookie: session.cookie, csrfToken: String(session.body?.csrfToken) };
}

/** An encrypted payload of the JSON value, as the Temporal UI would send it to be decoded. */
async function encrypted(value: unknown) {
  const plain = {
    metadata: { encoding: Buffer.from('json/plain').toString('base64') },
    data: Buffer.from(JSON.stringify(value)).toString('base64'),
  };
  const encoded = await stack.request<{ payloads: unknown[] }>(
    'POST',
    '/codec/encode',
    { payloads: [plain] },
    {},
    'operator',
  );
  expect(encoded.status).toBe(200);
  return encoded.body.payloads[0];
}

describe('console sessions', () => {
  it('signs an operator in with an HttpOnly, SameSite=Strict cookie for 8 hours', async () => {
    const session = await signIn(stack.keys.operator);
    expect(session.status).toBe(200);
    expect(session.body).toEqual({
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      name: 'operator',
      role: 'operator',
      expiresAt: expect.any(String),
      // Supervising is a person's (an OpenID claim), never a key's.
      supervisor: false,
    });
    const hoursLeft = (Date.parse(String(session.body?.expiresAt)) - Date.now()) / 3_600_000;
    expect(hoursLeft).toBeGreaterThan(7.9);
    expect(hoursLeft).toBeLessThanOrEqual(8);
    const [pair, ...flags] = session.setCookie.split(/;\s*/);
    expect(pair).toMatch(/^onething_session=[A-Za-z0-9_-]{43}$/);
    // Over http, so not Secure: the browser would not send a Secure cookie back.
    expect(flags.sort()).toEqual(['HttpOnly', 'Max-Age=28800', 'Path=/', 'SameSite=Strict']);
    // The cookie carries a session token, never the API key.
    expect(session.setCookie).not.toContain(stack.keys.operator);

    expect((await signIn(stack.keys.admin)).body).toMatchObject({ role: 'admin' });
  });

  it('refuses portal, clerk and department keys, unknown keys and extra fields', async () => {
    for (const role of ['portal', 'policeClerk', 'policeDepartment'] as const) {
      const refused = await signIn(stack.keys[role]);
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body).toMatchObject({ code: 'FORBIDDEN' });
      expect(refused.setCookie).toBe('');
    }
    const unknown = await signIn('ot_not-a-key');
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(unknown.setCookie).toBe('');
    const extra = await call('POST', '/v1/console/session', {
      body: { apiKey: stack.keys.operator, role: 'admin' },
    });
    expect(extra.status).toBe(400);
    expect(extra.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('answers the session to its cookie, and 401 without one', async () => {
    const { cookie, csrfToken } = await signedIn();
    const current = await call('GET', '/v1/console/session', { cookie });
    expect(current.status).toBe(200);
    expect(current.body).toMatchObject({ csrfToken, name: 'operator', role: 'operator' });

    const none = await call('GET', '/v1/console/session');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    // A bearer key is no session.
    const bearer = await stack.request('GET', '/v1/console/session', undefined, {}, 'operator');
    expect(bearer.status).toBe(401);
  });

  it('signs out with the CSRF token: the session ends and the cookie is cleared', async () => {
    const { cookie, csrfToken } = await signedIn();
    const forged = await call('DELETE', '/v1/console/session', { cookie });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ code: 'CSRF_TOKEN_INVALID' });

    const signedOut = await call('DELETE', '/v1/console/session', {
      cookie,
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers.getSetCookie()[0]).toMatch(/^onething_session=; .*Max-Age=0/);

    const after = await call('GET', '/v1/console/session', { cookie });
    expect(after.status).toBe(401);
    // The browser is told to drop the dead cookie.
    expect(after.headers.getSetCookie()[0]).toMatch(/^onething_session=; .*Max-Age=0/);

    const audit = await stack.request<{ entries: Array<{ action: string; role: string }> }>(
      'GET',
      '/v1/ops/audit?limit=100',
      undefined,
      {},
      'admin',
    );
    const actions = audit.body.entries.map((e) => e.action);
    expect(actions).toContain('console.sign-in');
    expect(actions).toContain('console.sign-out');
  });

  it('authenticates operator routes by cookie, changes only with the CSRF token', async () => {
    const { cookie, csrfToken } = await signedIn();
    expect((await call('GET', '/v1/ops/audit?limit=1', { cookie })).status).toBe(200);

    const repair = `/v1/ops/applications/${randomUUID()}/steps/householdRegistration/retry`;
    const body = { reason: 'department back online' };
    const withoutToken = await call('POST', repair, { cookie, body });
    expect(withoutToken.status).toBe(403);
    expect(withoutToken.headers.get('content-type')).toContain('application/problem+json');
    expect(withoutToken.body).toMatchObject({ code: 'CSRF_TOKEN_INVALID' });
    const wrongToken = await call('POST', repair, {
      cookie,
      body,
      headers: { 'x-csrf-token': 'x'.repeat(43) },
    });
    expect(wrongToken.status).toBe(403);
    // With the token the request passes authentication; the application does not exist.
    const withToken = await call('POST', repair, { cookie, body, headers: { 'x-csrf-token': csrfToken } });
    expect(withToken.status).toBe(404);
    expect(withToken.body).toMatchObject({ code: 'APPLICATION_NOT_FOUND' });

    // A session admits only what its role does.
    const submit = await call('POST', '/v1/applications', {
      cookie,
      body: {},
      headers: { 'x-csrf-token': csrfToken, 'idempotency-key': randomUUID() },
    });
    expect(submit.status).toBe(403);
    expect(submit.body).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets an Authorization header win over the cookie', async () => {
    const { cookie } = await signedIn();
    const result = await call('GET', '/v1/console/session', {
      cookie,
      headers: { authorization: 'Bearer ot_not-a-key' },
    });
    expect(result.status).toBe(401);
  });

  it('decodes for the Temporal UI with the cookie alone, answering CORS with credentials', async () => {
    const { cookie } = await signedIn();
    const payload = await encrypted({ baby: { name: '王小明' } });

    // What the browser asks before the UI's credentialed call.
    const preflight = await call('OPTIONS', '/codec/decode?preserveStorageRefs=true', {
      headers: {
        origin: testTemporalUiOrigin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-namespace',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(testTemporalUiOrigin);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-headers')?.split(/,\s*/).sort()).toEqual([
      'authorization',
      'content-type',
      'x-namespace',
    ]);

    // The UI's call: cookie, JSON and the namespace, no CSRF header.
    const decoded = await call('POST', '/codec/decode?preserveStorageRefs=true', {
      cookie,
      body: { payloads: [payload] },
      headers: { origin: testTemporalUiOrigin, 'x-namespace': 'default' },
    });
    expect(decoded.status).toBe(200);
    expect(decoded.headers.get('access-control-allow-origin')).toBe(testTemporalUiOrigin);
    expect(decoded.headers.get('access-control-allow-credentials')).toBe('true');
    const [plain] = decoded.body?.payloads as Array<{ data: string }>;
    expect(Buffer.from(plain?.data ?? '', 'base64').toString('utf8')).toContain('王小明');

    // A page on another origin learns nothing: the browser blocks what has no CORS answer for it.
    const elsewhere = await call('POST', '/codec/decode', {
      cookie,
      body: { payloads: [payload] },
      headers: { origin: 'http://127.0.0.1:1' },
    });
    expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses the simple request a form or no-cors fetch could forge at the codec: 415', async () => {
    const { cookie } = await signedIn();
    const payload = await encrypted({ baby: { name: '王小明' } });
    const response = await fetch(`${stack.apiUrl}/codec/decode`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/plain', origin: 'http://127.0.0.1:1' },
      body: JSON.stringify({ payloads: [payload] }),
    });
    expect(response.status).toBe(415);
    expect(await response.text()).not.toContain('王小明');
  });

  it('ends every session of a revoked key', async () => {
    const key = await createApiKey(stack.pool, { name: 'night-shift', role: 'operator', scope: null });
    const session = await signIn(key.secret);
    expect(session.status).toBe(200);
    const payload = await encrypted('x');
    const decode = () =>
      call('POST', '/codec/decode', {
        cookie: session.cookie,
        body: { payloads: [payload] },
        headers: { origin: testTemporalUiOrigin },
      });
    expect((await decode()).status).toBe(200);

    expect(await revokeApiKey(stack.pool, key.id)).toBe(true);
    expect((await call('GET', '/v1/console/session', { cookie: session.cookie })).status).toBe(401);
    const refused = await decode();
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(refused.headers.get('access-control-allow-origin')).toBe(testTemporalUiOrigin);
  });

  it('refuses an expired session', async () => {
    const { cookie } = await signedIn();
    expect((await call('GET', '/v1/console/session', { cookie })).status).toBe(200);
    const token = cookie.split('=')[1] ?? '';
    await stack.pool.query(
      `UPDATE console_sessions SET created_at = now() - interval '9 hours', expires_at = now() - interval '1 hour'
       WHERE token_hash = $1`,
      [hashSecret(token)],
    );
    const expired = await call('GET', '/v1/console/session', { cookie });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ code: 'UNAUTHENTICATED' });

    // Ended over a day ago: the key's next sign-in removes it; a session still running stays.
    await stack.pool.query(
      `UPDATE console_sessions SET created_at = now() - interval '3 days', expires_at = now() - interval '2 days'
       WHERE token_hash = $1`,
      [hashSecret(token)],
    );
    const count = async (hash: string) =>
      (await stack.pool.query('SELECT 1 FROM console_sessions WHERE token_hash = $1', [hash])).rowCount;
    const next = await signedIn();
    expect(await count(hashSecret(token))).toBe(0);
    expect(await count(hashSecret(next.cookie.split('=')[1] ?? ''))).toBe(1);
  });

  it('replaces the session a browser held when it signs in again', async () => {
    const first = await signedIn();
    const second = await signIn(stack.keys.admin, first.cookie);
    expect(second.status).toBe(200);
    expect((await call('GET', '/v1/console/session', { cookie: first.cookie })).status).toBe(401);
    expect((await call('GET', '/v1/console/session', { cookie: second.cookie })).body).toMatchObject({
      role: 'admin',
    });
  });

  it('marks the cookie Secure behind a trusted TLS proxy, and only there', async () => {
    const signInThrough = async (trustProxy?: string) => {
      const app = await buildApp(stack.apiDeps, trustProxy ? { trustProxy } : {});
      try {
        const answer = await app.inject({
          method: 'POST',
          url: '/v1/console/session',
          headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
          payload: { apiKey: stack.keys.operator },
        });
        expect(answer.statusCode).toBe(200);
        return String(answer.headers['set-cookie']);
      } finally {
        await app.close();
      }
    };
    expect(await signInThrough('true')).toMatch(/; Secure/);
    // Not trusted: a forwarded header from anyone proves nothing.
    expect(await signInThrough()).not.toMatch(/Secure/);
  });
});

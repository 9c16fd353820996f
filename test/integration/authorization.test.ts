import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { createApiKey } from '../../api/auth/api-keys.js';
import { revokeApiKey } from '../../db/api-keys.js';
import { newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('who may do what', () => {
  it('answers 401 without credentials or with an unknown key', async () => {
    const none = await stack.request(
      'GET',
      '/v1/applications/6d4e6c2e-0a4b-4a9e-9a55-1a2b3c4d5e6f',
      undefined,
      {},
      null,
    );
    expect(none.status).toBe(401);
    expect(none.contentType).toContain('application/problem+json');
    expect(none.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    const bad = await stack.request('POST', '/v1/applications', newbornRequest(), {
      authorization: 'Bearer ot_not-a-key',
      'idempotency-key': 'k',
    });
    expect(bad.status).toBe(401);
  });

  it('answers 401 to an invalid key on public routes too, and serves them with a valid key or none', async () => {
    for (const path of ['/v1/bundles', '/v1/bundles/newborn', '/health/live', '/docs/json']) {
      const bad = await stack.request('GET', path, undefined, { authorization: 'Bearer ot_not-a-key' }, null);
      expect(bad.status, path).toBe(401);
      expect(bad.body, path).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect((await stack.request('GET', path, undefined, {}, null)).status, path).toBe(200);
      expect((await stack.request('GET', path, undefined, {}, 'portal')).status, path).toBe(200);
    }
  });

  it('checks a callback signature before its body: an unsigned caller learns nothing of the schema', async () => {
    const unsigned = await stack.request(
      'POST',
      '/v1/departments/police/callbacks',
      { wrong: 'shape' },
      {},
      null,
    );
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toMatchObject({ code: 'CALLBACK_SIGNATURE_INVALID' });
    expect(JSON.stringify(unsigned.body)).not.toContain('idempotencyKey');
  });

  it('answers 403 for a role the route does not admit', async () => {
    const result = await stack.submit(newbornRequest(), undefined, 'operator');
    expect(result.status).toBe(403);
    expect(result.body).toMatchObject({ code: 'FORBIDDEN' });
    const clerk = await stack.submit(newbornRequest(), undefined, 'policeClerk');
    expect(clerk.status).toBe(403);
  });

  it("shows a portal only its own applications: another portal's is a 404", async () => {
    const mine = await stack.submit(newbornRequest());
    expect(mine.status).toBe(201);
    const other = await stack.request(
      'GET',
      `/v1/applications/${mine.body.id}`,
      undefined,
      {},
      'otherPortal',
    );
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ code: 'APPLICATION_NOT_FOUND' });
    expect((await stack.getApplication(mine.body.id, 'operator')).id).toBe(mine.body.id);
  });

  it('keeps idempotency keys apart per portal client', async () => {
    const key = 'shared-key-between-portals';
    const first = await stack.submit(newbornRequest(), key, 'portal');
    const second = await stack.submit(newbornRequest(), key, 'otherPortal');
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('limits each API key to its rate, answering 429 with Retry-After, without touching other keys', async () => {
    const app = await buildApp(stack.apiDeps, { rateLimitPerMinute: 3, authCacheTtlMs: 0 });
    try {
      const get = (key: string) =>
        app.inject({
          method: 'GET',
          url: `/v1/applications/${crypto.randomUUID()}`,
          headers: { authorization: `Bearer ${key}` },
        });
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await get(stack.keys.portal)).statusCode);
      expect(statuses).toEqual([404, 404, 404, 429]);
      const limited = await get(stack.keys.portal);
      expect(limited.headers['content-type']).toContain('application/problem+json');
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect((await get(stack.keys.operator)).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('refuses a revoked key', async () => {
    const key = await createApiKey(stack.pool, { name: 'short-lived', role: 'portal', scope: 'test-portal' });
    const headers = { authorization: `Bearer ${key.secret}` };
    expect((await stack.request('GET', '/v1/bundles', undefined, headers, null)).status).toBe(200);
    const before = await stack.request(
      'GET',
      `/v1/applications/${crypto.randomUUID()}`,
      undefined,
      headers,
      null,
    );
    expect(before.status).toBe(404);
    expect(await revokeApiKey(stack.pool, key.id)).toBe(true);
    const after = await stack.request(
      'GET',
      `/v1/applications/${crypto.randomUUID()}`,
      undefined,
      headers,
      null,
    );
    // Verified keys are trusted for at most the cache's lifetime; the test stack uses none.
    expect(after.status).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiKeyView } from '../../schemas/api-keys.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

type Created = ApiKeyView & { secret: string; code?: string };
const admin = <T>(method: string, path: string, body?: unknown) =>
  stack.request<T>(method, path, body, {}, 'admin');
const asKey = (secret: string, path: string) =>
  stack.request<{ code?: string }>('GET', path, undefined, { authorization: `Bearer ${secret}` }, null);

describe('admins manage API keys', () => {
  it('creates, lists, rotates and revokes keys, each in the audit log', async () => {
    const created = await admin<Created>('POST', '/v1/admin/keys', {
      name: 'Police desk',
      role: 'operator:police',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'operator:police', active: true, expiresAt: null });
    expect((await asKey(created.body.secret, '/v1/ops/applications')).status).toBe(200);
    // Scoped: what reaches every department is not its own.
    expect((await asKey(created.body.secret, '/v1/ops/audit')).body).toMatchObject({ code: 'OUT_OF_SCOPE' });

    const listed = await admin<{ keys: ApiKeyView[] }>('GET', '/v1/admin/keys');
    expect(listed.body.keys.find((k) => k.id === created.body.id)).toMatchObject({ name: 'Police desk' });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

    const rotated = await admin<Created>('POST', `/v1/admin/keys/${created.body.id}/rotate`, {
      graceSeconds: 0,
    });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ role: 'operator:police', name: 'Police desk' });
    expect((await asKey(created.body.secret, '/v1/ops/applications')).status).toBe(401);
    expect((await asKey(rotated.body.secret, '/v1/ops/applications')).status).toBe(200);
    const again = await admin<Created>('POST', `/v1/admin/keys/${created.body.id}/rotate`, {});
    expect([again.status, again.body.code]).toEqual([409, 'KEY_NOT_ACTIVE']);

    expect((await admin('DELETE', `/v1/admin/keys/${rotated.body.id}`)).status).toBe(204);
    expect((await asKey(rotated.body.secret, '/v1/ops/applications')).status).toBe(401);
    const gone = await admin<Created>('DELETE', '/v1/admin/keys/key_nothing');
    expect([gone.status, gone.body.code]).toEqual([404, 'KEY_NOT_FOUND']);

    const audit = await admin<{ entries: Array<{ action: string; target: string | null; result: string }> }>(
      'GET',
      '/v1/ops/audit?limit=100',
    );
    const keyActions = audit.body.entries
      .filter((e) => e.action.startsWith('key.'))
      .map((e) => [e.action, e.result])
      .reverse();
    expect(keyActions).toEqual([
      ['key.create', 'ok'],
      ['key.rotate', 'ok'],
      ['key.rotate', 'KEY_NOT_ACTIVE'],
      ['key.revoke', 'ok'],
      ['key.revoke', 'KEY_NOT_FOUND'],
    ]);
  });

  it('refuses a role that is not one, and stops a key at its expiry', async () => {
    const bad = await admin<{ code: string; errors: Array<{ path: string }> }>('POST', '/v1/admin/keys', {
      name: 'x',
      role: 'superuser',
    });
    expect([bad.status, bad.body.code, bad.body.errors[0]?.path]).toEqual([
      400,
      'VALIDATION_FAILED',
      'body.role',
    ]);
    const expired = await admin<Created>('POST', '/v1/admin/keys', {
      name: 'temp',
      role: 'portal:temp',
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(expired.body.active).toBe(false);
    expect((await asKey(expired.body.secret, '/v1/bundles')).status).toBe(401);
  });
});

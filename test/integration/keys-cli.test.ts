import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { hashSecret } from '../../api/auth/api-keys.js';
import { findPrincipalBySecretHash } from '../../db/api-keys.js';
import { migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import type { Pool } from '../../db/pool.js';
import { createTestDatabase } from '../support/database.js';

const run = promisify(execFile);
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase(inject('postgresAdminUrl'));
  pool = createPool(database.url, 2);
  await migrate(pool);
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

const keys = (...args: string[]) =>
  run('npx', ['tsx', 'scripts/keys.ts', ...args], {
    env: { ...process.env, DATABASE_URL: database.url },
  }).catch((err: { code: number; stdout: string; stderr: string }) => err);

describe('the keys command', () => {
  it('creates a key shown once and stored only as a hash, lists it, and revokes it', async () => {
    const created = await keys('create', 'clerk:police', 'Xihu', 'station');
    const secret = /secret \(shown once\): (\S+)/.exec(created.stdout)?.[1] ?? '';
    const id = /created (key_\w+)/.exec(created.stdout)?.[1] ?? '';
    expect(secret).toMatch(/^ot_/);
    expect(await findPrincipalBySecretHash(pool, hashSecret(secret))).toEqual({
      keyId: id,
      name: 'Xihu station',
      role: 'clerk',
      scope: 'police',
      region: null,
    });
    const stored = await pool.query('SELECT secret_hash FROM api_keys WHERE id = $1', [id]);
    expect(stored.rows[0]?.secret_hash).toBe(hashSecret(secret));
    expect(JSON.stringify(stored.rows)).not.toContain(secret);

    expect((await keys('list')).stdout).toContain(`${id}\tclerk:police\tXihu station\tactive`);
    expect((await keys('revoke', id)).stdout).toContain(`revoked ${id}`);
    expect(await findPrincipalBySecretHash(pool, hashSecret(secret))).toBeUndefined();
    expect((await keys('list')).stdout).toMatch(new RegExp(`${id}\\tclerk:police\\tXihu station\\trevoked`));
  });

  it('creates a scoped operator key that expires, and rotates a key with a grace period', async () => {
    const created = await keys(
      'create',
      'operator:police',
      'Police desk',
      '--expires',
      '2000-01-01T00:00:00Z',
    );
    const id = /created (key_\w+)/.exec(created.stdout)?.[1] ?? '';
    const secret = /secret \(shown once\): (\S+)/.exec(created.stdout)?.[1] ?? '';
    // Expired already: it never worked.
    expect(await findPrincipalBySecretHash(pool, hashSecret(secret))).toBeUndefined();
    expect((await keys('list')).stdout).toContain(`${id}\toperator:police\tPolice desk\texpired`);

    const live = await keys('create', 'operator:police', 'Police desk');
    const liveId = /created (key_\w+)/.exec(live.stdout)?.[1] ?? '';
    const liveSecret = /secret \(shown once\): (\S+)/.exec(live.stdout)?.[1] ?? '';
    const rotated = await keys('rotate', liveId, '0');
    const nextSecret = /secret \(shown once\): (\S+)/.exec(rotated.stdout)?.[1] ?? '';
    expect(await findPrincipalBySecretHash(pool, hashSecret(liveSecret))).toBeUndefined();
    expect(await findPrincipalBySecretHash(pool, hashSecret(nextSecret))).toMatchObject({
      name: 'Police desk',
      role: 'operator',
      scope: 'police',
    });
    expect(await keys('rotate', liveId)).toMatchObject({ code: 1 });
  });

  it('refuses a role without its scope and an unknown role, with a non-zero exit', async () => {
    expect(await keys('create', 'portal', 'no client')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('portal keys need a scope'),
    });
    expect(await keys('create', 'superuser', 'x')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('unknown role'),
    });
    expect(await keys('revoke', 'key_nothing')).toMatchObject({ code: 1 });
  });
});

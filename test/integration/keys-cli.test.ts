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
    });
    const stored = await pool.query('SELECT secret_hash FROM api_keys WHERE id = $1', [id]);
    expect(stored.rows[0]?.secret_hash).toBe(hashSecret(secret));
    expect(JSON.stringify(stored.rows)).not.toContain(secret);

    expect((await keys('list')).stdout).toContain(`${id}\tclerk:police\tXihu station\tactive`);
    expect((await keys('revoke', id)).stdout).toContain(`revoked ${id}`);
    expect(await findPrincipalBySecretHash(pool, hashSecret(secret))).toBeUndefined();
    expect((await keys('list')).stdout).toMatch(new RegExp(`${id}\\tclerk:police\\tXihu station\\trevoked`));
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

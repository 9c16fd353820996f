import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { migrate, MigrationError } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import type { Pool } from '../../db/pool.js';
import { createTestDatabase } from '../support/database.js';

const run = promisify(execFile);
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;
let brokenDir: string;

beforeAll(async () => {
  database = await createTestDatabase(inject('postgresAdminUrl'));
  pool = createPool(database.url, 2);
  brokenDir = await mkdtemp(join(tmpdir(), 'onething-migrations-'));
  await writeFile(join(brokenDir, '0001_fine.sql'), 'CREATE TABLE fine (id int);');
  await writeFile(
    join(brokenDir, '0002_broken.sql'),
    'CREATE TABLE broken (id int REFERENCES nowhere (id));',
  );
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
  await rm(brokenDir, { recursive: true, force: true });
});

const tableExists = async (name: string) =>
  (await pool.query('SELECT 1 FROM information_schema.tables WHERE table_name = $1', [name])).rowCount === 1;

describe('migrations', () => {
  it('refuse a failing file by name and apply nothing of that run', async () => {
    const failure = await migrate(pool, brokenDir).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as Error).message).toContain('0002_broken.sql');
    expect(await tableExists('fine')).toBe(false);
  });

  it('stop the migrate command with a non-zero exit and a clear message', async () => {
    const result = await run('npx', ['tsx', 'scripts/migrate.ts', '--dir', brokenDir], {
      env: { ...process.env, DATABASE_URL: database.url },
    }).catch((err: { code: number; stderr: string }) => err);
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('migration 0002_broken.sql failed'),
    });
  });

  it('apply the numbered files once, in order', async () => {
    const files = (await readdir('db/migrations')).filter((f) => f.endsWith('.sql')).sort();
    expect(files[0]).toBe('0001_read_model.sql');
    expect(await migrate(pool)).toEqual(files);
    expect(await migrate(pool)).toEqual([]);
    expect(await tableExists('applications')).toBe(true);
  });
});

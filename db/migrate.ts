import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Pool } from './pool.js';
import { withTransaction } from './pool.js';

const migrationsDir = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any constant: serialises concurrent start-ups migrating the same database.
const migrationLockId = 7_320_411;

/** A migration that failed; start-up stops with this message. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Applies the numbered SQL files in `db/migrations` not yet applied, in order, in one
 * transaction: either all of them apply or none does. Forward only: an applied file never runs again.
 */
export async function migrate(pool: Pool, dir = migrationsDir): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const applied: string[] = [];
  await withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockId]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map(
        (r) => r.version,
      ),
    );
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = await readFile(`${dir}/${file}`, 'utf8');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file]);
      } catch (err) {
        throw new MigrationError(`migration ${file} failed: ${(err as Error).message}`, { cause: err });
      }
      applied.push(file);
    }
  });
  return applied;
}

/**
 * The migrations this code has that the database has not applied yet (none once start-up has
 * migrated): the readiness check's "migrations applied".
 */
export async function pendingMigrations(pool: Pool, dir = migrationsDir): Promise<string[]> {
  const files = (await readdir(dir)).filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f)).sort();
  const { rows } = await pool
    .query<{ version: string }>('SELECT version FROM schema_migrations')
    .catch((err: { code?: string }) => {
      // No table yet: nothing was ever applied.
      if (err.code === '42P01') return { rows: [] };
      throw err;
    });
  const done = new Set(rows.map((r) => r.version));
  return files.filter((f) => !done.has(f));
}

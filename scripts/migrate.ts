/**
 * Applies pending SQL migrations to DATABASE_URL: `npm run migrate`. Exits non-zero, naming
 * the file, when one fails; nothing of a failed run is applied.
 */
import { loadConfig } from '../config.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';

async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL)
    throw new Error('DATABASE_URL is not set; the embedded stack migrates by itself at start.');
  const dirFlag = process.argv.indexOf('--dir');
  const dir = dirFlag > 0 ? process.argv[dirFlag + 1] : undefined;
  const pool = createPool(config.DATABASE_URL, 1);
  try {
    const applied = await migrate(pool, dir);
    process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'up to date\n');
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

/**
 * Manages API keys in DATABASE_URL:
 *   npm run keys -- create <role> <name>     role: portal:<client> | operator | admin | clerk:<department> | department:<id>
 *   npm run keys -- revoke <key id>
 *   npm run keys -- list
 * The secret is printed once, at creation; only its hash is stored.
 */
import { createApiKey, parseRole } from '../api/auth/api-keys.js';
import { roleLabel } from '../api/auth/principal.js';
import { loadConfig } from '../config.js';
import { listApiKeys, revokeApiKey } from '../db/api-keys.js';
import { createPool } from '../db/pool.js';

const usage = 'usage: npm run keys -- create <role> <name> | revoke <key id> | list';

async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL)
    throw new Error('DATABASE_URL is not set: point it at the database the API uses.');
  const [command, ...args] = process.argv.slice(2);
  const pool = createPool(config.DATABASE_URL, 1);
  try {
    if (command === 'create' && args.length >= 2) {
      const [label = '', ...name] = args;
      const key = await createApiKey(pool, { name: name.join(' '), ...parseRole(label) });
      process.stdout.write(`created ${key.id} (${label})\nsecret (shown once): ${key.secret}\n`);
    } else if (command === 'revoke' && args.length === 1) {
      const revoked = await revokeApiKey(pool, args[0] ?? '');
      if (!revoked) throw new Error(`no active key ${args[0]}`);
      process.stdout.write(`revoked ${args[0]}\n`);
    } else if (command === 'list') {
      for (const key of await listApiKeys(pool)) {
        const state = key.revoked_at ? `revoked ${key.revoked_at.toISOString()}` : 'active';
        process.stdout.write(`${key.id}\t${roleLabel(key)}\t${key.name}\t${state}\n`);
      }
    } else {
      throw new Error(usage);
    }
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

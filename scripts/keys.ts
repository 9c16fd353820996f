/**
 * Manages API keys in DATABASE_URL (admins may also use `/v1/admin/keys`):
 *   npm run keys -- create <role> <name> [--expires <ISO date>] [--region <division code>]
 *       role: portal:<client> | operator | operator:<department> | admin | clerk:<department> | department:<id>
 *   npm run keys -- rotate <key id> [grace seconds, default 3600]
 *   npm run keys -- revoke <key id>
 *   npm run keys -- list
 * A secret is printed once, at creation or rotation; only its hash is stored.
 */
import { createApiKey, parseRole, rotateApiKey } from '../api/auth/api-keys.js';
import { roleLabel } from '../api/auth/principal.js';
import { loadConfig } from '../config.js';
import { listApiKeys, revokeApiKey } from '../db/api-keys.js';
import type { ApiKeyRow } from '../db/api-keys.js';
import { createPool } from '../db/pool.js';
import { regionCodeSchema } from '../schemas/regions.js';

const usage =
  'usage: npm run keys -- create <role> <name> [--expires <ISO date>] [--region <code>] | rotate <key id> [grace seconds] | revoke <key id> | list';

/** `--region <code>` taken out of the arguments: an operator key's region scope. */
function regionOf(args: string[]): { rest: string[]; region: string | null } {
  const at = args.indexOf('--region');
  if (at < 0) return { rest: args, region: null };
  const region = regionCodeSchema.safeParse(args[at + 1]);
  if (!region.success) throw new Error(`--region: not a 6-digit division code: ${args[at + 1] ?? ''}`);
  return { rest: [...args.slice(0, at), ...args.slice(at + 2)], region: region.data };
}

/** `--expires <date>` taken out of the arguments; a date that does not parse is an error. */
function expiryOf(args: string[]): { rest: string[]; expiresAt: Date | null } {
  const at = args.indexOf('--expires');
  if (at < 0) return { rest: args, expiresAt: null };
  const expiresAt = new Date(args[at + 1] ?? '');
  if (Number.isNaN(expiresAt.getTime())) throw new Error(`--expires: not a date: ${args[at + 1] ?? ''}`);
  return { rest: [...args.slice(0, at), ...args.slice(at + 2)], expiresAt };
}

function stateOf(key: ApiKeyRow, now: Date): string {
  if (key.revoked_at) return `revoked ${key.revoked_at.toISOString()}`;
  const replaced = key.replaced_by ? `, replaced by ${key.replaced_by}` : '';
  if (key.expires_at && key.expires_at <= now) return `expired ${key.expires_at.toISOString()}${replaced}`;
  if (key.expires_at) return `active until ${key.expires_at.toISOString()}${replaced}`;
  return 'active';
}

async function main() {
  const config = loadConfig();
  if (!config.DATABASE_URL)
    throw new Error('DATABASE_URL is not set: point it at the database the API uses.');
  const [command, ...args] = process.argv.slice(2);
  const pool = createPool(config.DATABASE_URL, 1);
  try {
    if (command === 'create' && args.length >= 2) {
      const { rest: withoutRegion, region } = regionOf(args);
      const { rest, expiresAt } = expiryOf(withoutRegion);
      const [label = '', ...name] = rest;
      const role = parseRole(label);
      if (region !== null && role.role !== 'operator')
        throw new Error('--region: only operator keys have one');
      const key = await createApiKey(pool, { name: name.join(' '), ...role, expiresAt, region });
      process.stdout.write(`created ${key.id} (${label})\nsecret (shown once): ${key.secret}\n`);
    } else if (command === 'rotate' && (args.length === 1 || args.length === 2)) {
      const grace = Number(args[1] ?? 3600);
      if (!Number.isInteger(grace) || grace < 0) throw new Error(`not a number of seconds: ${args[1] ?? ''}`);
      const key = await rotateApiKey(pool, args[0] ?? '', grace, null);
      if ('refused' in key) throw new Error(`no active key ${args[0] ?? ''}`);
      process.stdout.write(
        `rotated ${args[0] ?? ''} to ${key.id}; the old key works ${grace} more seconds\nsecret (shown once): ${key.secret}\n`,
      );
    } else if (command === 'revoke' && args.length === 1) {
      const revoked = await revokeApiKey(pool, args[0] ?? '');
      if (!revoked) throw new Error(`no active key ${args[0]}`);
      process.stdout.write(`revoked ${args[0]}\n`);
    } else if (command === 'list') {
      const now = new Date();
      for (const key of await listApiKeys(pool)) {
        const region = key.region === null ? '' : ` in ${key.region}`;
        process.stdout.write(`${key.id}\t${roleLabel(key)}${region}\t${key.name}\t${stateOf(key, now)}\n`);
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

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createApiKey, hashSecret, parseRole } from '../api/auth/api-keys.js';
import { findPrincipalBySecretHash } from '../db/api-keys.js';
import type { Queryable } from '../db/pool.js';
import { departments } from '../departments/catalog/index.js';

/** The development portal's client id: the dev `portal` key creates applications as this client. */
export const devPortalClient = 'dev-portal';

/** Every role a development stack hands out a key for, by the label dev-keys.json uses. */
function devRoles(): Record<string, string> {
  const roles: Record<string, string> = {
    portal: `portal:${devPortalClient}`,
    operator: 'operator',
    admin: 'admin',
  };
  for (const id of Object.keys(departments)) {
    // An operator of one department: to try what a scoped operator sees and may repair.
    roles[`operator:${id}`] = `operator:${id}`;
    roles[`clerk:${id}`] = `clerk:${id}`;
    roles[`department:${id}`] = `department:${id}`;
  }
  return roles;
}

/**
 * Development keys for each role, kept in `<dataDir>/dev-keys.json` so a restart reuses them.
 * A key missing from the file or from the database is created anew. Never called in production.
 */
export async function ensureDevKeys(db: Queryable, dataDir: string): Promise<Record<string, string>> {
  const file = join(dataDir, 'dev-keys.json');
  const saved = (await readFile(file, 'utf8').then(JSON.parse, () => ({}))) as Record<string, string>;
  const keys: Record<string, string> = {};
  for (const [label, role] of Object.entries(devRoles())) {
    const existing = saved[label];
    if (existing && (await findPrincipalBySecretHash(db, hashSecret(existing)))) {
      keys[label] = existing;
      continue;
    }
    keys[label] = (await createApiKey(db, { name: `development ${label}`, ...parseRole(role) })).secret;
  }
  await writeFile(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

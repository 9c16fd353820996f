import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { KEY_BYTES } from './codec.js';
import type { Keyring } from './codec.js';

const keyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** The file a development stack keeps its generated key in, so a restart still decrypts old histories. */
export const devKeyFileName = 'encryption-keys.json';

/** `id:base64,id:base64` → keys by id; every key must decode to 32 bytes. Errors name the key, never show it. */
export function parseEncryptionKeys(value: string): Map<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon).trim();
    if (!keyIdPattern.test(id)) {
      throw new ConfigError(
        `ENCRYPTION_KEYS: each entry is <id>:<base64 of 32 bytes>, the id of letters, digits, '.', '_' or '-' (entry ${keys.size + 1} is not)`,
      );
    }
    if (keys.has(id)) throw new ConfigError(`ENCRYPTION_KEYS: key ${id} is listed twice`);
    keys.set(id, decodeKey(entry.slice(colon + 1).trim(), `ENCRYPTION_KEYS: key ${id}`));
  }
  if (keys.size === 0) throw new ConfigError('ENCRYPTION_KEYS lists no key');
  return keys;
}

function decodeKey(base64: string, what: string): Buffer {
  const key = /^[A-Za-z0-9+/]+={0,2}$/.test(base64) ? Buffer.from(base64, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    throw new ConfigError(
      `${what} is not ${KEY_BYTES} bytes in base64 (AES-256); make one with: openssl rand -base64 ${KEY_BYTES}`,
    );
  }
  return key;
}

/**
 * The keyring of this process. Configured keys win; without them a development or test stack
 * generates one key and keeps it in `<DATA_DIR>/encryption-keys.json` (mode 0600); production
 * without keys does not start.
 */
export async function loadKeyring(
  config: Pick<Config, 'NODE_ENV' | 'DATA_DIR' | 'ENCRYPTION_KEYS' | 'ENCRYPTION_KEY_ID'>,
): Promise<Keyring> {
  if (config.ENCRYPTION_KEYS) {
    const keys = parseEncryptionKeys(config.ENCRYPTION_KEYS);
    const currentKeyId = config.ENCRYPTION_KEY_ID ?? (keys.size === 1 ? [...keys.keys()][0] : undefined);
    if (!currentKeyId)
      throw new ConfigError('ENCRYPTION_KEY_ID must name the current key when ENCRYPTION_KEYS lists several');
    if (!keys.has(currentKeyId)) {
      throw new ConfigError(
        `ENCRYPTION_KEY_ID ${currentKeyId} is not among ENCRYPTION_KEYS (${[...keys.keys()].join(', ')})`,
      );
    }
    return { currentKeyId, keys };
  }
  if (config.ENCRYPTION_KEY_ID)
    throw new ConfigError('ENCRYPTION_KEY_ID is set but ENCRYPTION_KEYS, which must hold that key, is not');
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(
      `ENCRYPTION_KEYS is required in production: Temporal keeps citizen data only encrypted. Set ENCRYPTION_KEYS=<id>:<key> with a key from: openssl rand -base64 ${KEY_BYTES}`,
    );
  }
  return devKeyring(config.DATA_DIR);
}

interface KeyFile {
  currentKeyId: string;
  keys: Record<string, string>;
}

async function devKeyring(dataDir: string): Promise<Keyring> {
  const file = join(dataDir, devKeyFileName);
  await mkdir(dataDir, { recursive: true });
  const id = `dev-${randomBytes(4).toString('hex')}`;
  const created: KeyFile = { currentKeyId: id, keys: { [id]: randomBytes(KEY_BYTES).toString('base64') } };
  // `wx`: never overwrite a key that encrypted histories, even if two processes start at once.
  await writeFile(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: 'wx' }).catch(
    (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    },
  );
  let saved: KeyFile;
  try {
    saved = JSON.parse(await readFile(file, 'utf8')) as KeyFile;
  } catch (err) {
    throw new ConfigError(
      `${file} is not valid JSON (${String(err)}); restore it or old histories cannot be read`,
    );
  }
  const keys = new Map(
    Object.entries(saved.keys ?? {}).map(([k, v]) => [k, decodeKey(v, `${file}: key ${k}`)]),
  );
  if (!keys.has(saved.currentKeyId))
    throw new ConfigError(`${file}: currentKeyId ${String(saved.currentKeyId)} is not among its keys`);
  return { currentKeyId: saved.currentKeyId, keys };
}

/** A keyring with one fresh key, for tests and throwaway stacks whose histories need not outlive them. */
export function randomKeyring(keyId = `ephemeral-${randomBytes(4).toString('hex')}`): Keyring {
  return { currentKeyId: keyId, keys: new Map([[keyId, randomBytes(KEY_BYTES)]]) };
}

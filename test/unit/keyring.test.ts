import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config.js';
import { devKeyFileName, loadKeyring, parseEncryptionKeys } from '../../temporal/keyring.js';

const key = () => randomBytes(32).toString('base64');

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'onething-keyring-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const config = (env: { NODE_ENV?: 'development' | 'production'; keys?: string; keyId?: string }) => ({
  NODE_ENV: env.NODE_ENV ?? 'development',
  DATA_DIR: dataDir,
  ENCRYPTION_KEYS: env.keys,
  ENCRYPTION_KEY_ID: env.keyId,
});

async function configErrorOf(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

describe('parseEncryptionKeys', () => {
  it('reads id:base64 pairs', () => {
    const [a, b] = [key(), key()];
    const keys = parseEncryptionKeys(` 2026-01:${a} , 2026-07:${b}`);
    expect([...keys.keys()]).toEqual(['2026-01', '2026-07']);
    expect(keys.get('2026-07')?.toString('base64')).toBe(b);
  });

  it('names the key that is not 32 bytes, without showing it', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parseEncryptionKeys(`ok:${key()},short:${short}`)).toThrow(ConfigError);
    expect(() => parseEncryptionKeys(`ok:${key()},short:${short}`)).toThrow(/key short is not 32 bytes/);
    expect(() => parseEncryptionKeys(`ok:${key()},short:${short}`)).not.toThrow(short);
    expect(() => parseEncryptionKeys('bad:not base64!')).toThrow(/key bad is not 32 bytes/);
  });

  it('rejects entries without an id, duplicate ids and an empty list', () => {
    expect(() => parseEncryptionKeys(key())).toThrow(/entry 1/);
    expect(() => parseEncryptionKeys(`a:${key()},a:${key()}`)).toThrow(/a is listed twice/);
    expect(() => parseEncryptionKeys(' , ')).toThrow(/no key/);
  });
});

describe('loadKeyring', () => {
  it('uses the configured keys and current key id', async () => {
    const keyring = await loadKeyring(config({ keys: `old:${key()},new:${key()}`, keyId: 'new' }));
    expect(keyring.currentKeyId).toBe('new');
    expect([...keyring.keys.keys()]).toEqual(['old', 'new']);
  });

  it('takes the only key as current, but needs ENCRYPTION_KEY_ID among several', async () => {
    expect((await loadKeyring(config({ keys: `only:${key()}` }))).currentKeyId).toBe('only');
    expect(await configErrorOf(loadKeyring(config({ keys: `a:${key()},b:${key()}` })))).toMatch(
      /ENCRYPTION_KEY_ID/,
    );
    expect(await configErrorOf(loadKeyring(config({ keys: `a:${key()}`, keyId: 'b' })))).toMatch(
      /ENCRYPTION_KEY_ID b is not among ENCRYPTION_KEYS \(a\)/,
    );
    expect(await configErrorOf(loadKeyring(config({ keyId: 'b' })))).toMatch(/ENCRYPTION_KEYS/);
  });

  it('refuses to start in production without keys', async () => {
    expect(await configErrorOf(loadKeyring(config({ NODE_ENV: 'production' })))).toMatch(
      /ENCRYPTION_KEYS is required in production/,
    );
  });

  it('generates a development key once, readable only by its owner, and reuses it after a restart', async () => {
    const first = await loadKeyring(config({}));
    const second = await loadKeyring(config({}));
    expect(second.currentKeyId).toBe(first.currentKeyId);
    expect(
      second.keys.get(second.currentKeyId)?.equals(first.keys.get(first.currentKeyId) ?? Buffer.alloc(0)),
    ).toBe(true);
    const file = join(dataDir, devKeyFileName);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ currentKeyId: first.currentKeyId });
  });

  it('does not overwrite a damaged key file', async () => {
    const file = join(dataDir, devKeyFileName);
    await writeFile(file, '{ not json');
    expect(await configErrorOf(loadKeyring(config({})))).toContain(file);
    expect(await readFile(file, 'utf8')).toBe('{ not json');
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config.js';
import { temporalConnectionSettings } from '../../temporal/connection.js';

const none = {
  TEMPORAL_TLS_CA_FILE: undefined,
  TEMPORAL_TLS_CERT_FILE: undefined,
  TEMPORAL_TLS_KEY_FILE: undefined,
  TEMPORAL_TLS_SERVER_NAME: undefined,
  TEMPORAL_API_KEY: undefined,
};

async function pemFiles() {
  const dir = await mkdtemp(join(tmpdir(), 'onething-tls-'));
  const files = { ca: join(dir, 'ca.pem'), crt: join(dir, 'client.pem'), key: join(dir, 'client.key') };
  for (const [name, path] of Object.entries(files)) await writeFile(path, `-----BEGIN ${name}-----\n`);
  return files;
}

describe('temporalConnectionSettings', () => {
  it('is plain gRPC with nothing set', () => {
    expect(temporalConnectionSettings('temporal:7233', none)).toEqual({ address: 'temporal:7233' });
  });

  it('reads the CA and the client pair for mutual TLS, with the server name', async () => {
    const files = await pemFiles();
    const settings = temporalConnectionSettings('temporal:7233', {
      ...none,
      TEMPORAL_TLS_CA_FILE: files.ca,
      TEMPORAL_TLS_CERT_FILE: files.crt,
      TEMPORAL_TLS_KEY_FILE: files.key,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(String(settings.tls?.serverRootCACertificate)).toContain('BEGIN ca');
    expect(String(settings.tls?.clientCertPair?.crt)).toContain('BEGIN crt');
    expect(String(settings.tls?.clientCertPair?.key)).toContain('BEGIN key');
    expect(settings.tls?.serverNameOverride).toBe('temporal.internal');
  });

  it('turns TLS on for an API key', () => {
    const settings = temporalConnectionSettings('cloud:7233', { ...none, TEMPORAL_API_KEY: 'secret' });
    expect(settings).toEqual({ address: 'cloud:7233', tls: {}, apiKey: 'secret' });
  });

  it('refuses a certificate without its key, and a file it cannot read, naming the variable', async () => {
    const files = await pemFiles();
    expect(() =>
      temporalConnectionSettings('t:7233', { ...none, TEMPORAL_TLS_CERT_FILE: files.crt }),
    ).toThrow(/TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE go together/);
    expect(() =>
      temporalConnectionSettings('t:7233', { ...none, TEMPORAL_TLS_CA_FILE: '/no/such/ca.pem' }),
    ).toThrow(ConfigError);
    expect(() =>
      temporalConnectionSettings('t:7233', { ...none, TEMPORAL_TLS_CA_FILE: '/no/such/ca.pem' }),
    ).toThrow(/TEMPORAL_TLS_CA_FILE/);
  });
});

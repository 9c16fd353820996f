import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../config.js';
import type { Config } from '../../config.js';
import type { DepartmentAdapter } from '../../departments/adapter.js';
import { departments } from '../../departments/catalog/index.js';
import { devSecretsFileName, loadDepartmentSettings } from '../../departments/configuration.js';
import { signatureHeaders, verifyRequest } from '../../departments/signing.js';

type SettingsConfig = Parameters<typeof loadDepartmentSettings>[0];

let dir: string;
const servers: Server[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onething-departments-'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await rm(dir, { recursive: true, force: true });
});

function configWith(overrides: Partial<Config> = {}): SettingsConfig {
  return {
    NODE_ENV: 'development',
    DATA_DIR: join(dir, 'data'),
    DEPARTMENTS_CONFIG: undefined,
    DEPARTMENTS_URL: undefined,
    DEPARTMENT_TIMEOUT_MS: 2000,
    SIMULATOR_PORT: 4100,
    ...overrides,
  };
}

async function writeJson(name: string, value: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** A department server answering every request with an empty decision, recording what it got. */
async function department() {
  const received: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"outputs":{}}');
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function submitTo(adapter: DepartmentAdapter | undefined, department: string) {
  if (!adapter) throw new Error(`no adapter for ${department}`);
  return adapter.submit({
    department,
    service: 'any',
    input: { a: 1 },
    idempotencyKey: 'app-1:step',
    attempt: 1,
  });
}

/** The ConfigError `loadDepartmentSettings` throws, or a failure when it throws none. */
async function configErrorOf(config: SettingsConfig): Promise<ConfigError> {
  try {
    await loadDepartmentSettings(config);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadDepartmentSettings accepted the configuration');
}

const policeSecret = 'police-secret-of-enough-length';
const policeCallbackSecret = 'police-callback-secret-long-enough';

describe('loadDepartmentSettings with a DEPARTMENTS_CONFIG file', () => {
  it('builds HTTP adapters with HMAC or bearer auth, module adapters, and the callback keys', async () => {
    const police = await department();
    const cdc = await department();
    const gateway = await department();
    await writeFile(
      join(dir, 'tax-adapter.mjs'),
      'export function createAdapter(settings) { return { async submit() { return { outputs: { settings } }; } }; }\n',
    );
    const file = await writeJson('departments.json', {
      police: {
        adapter: 'http',
        baseUrl: `${police.url}/onething`,
        timeoutMs: 5000,
        auth: { type: 'hmac', keyId: 'k1', secret: policeSecret },
        callbackKeys: { k1: policeCallbackSecret },
      },
      cdc: { adapter: 'http', baseUrl: cdc.url, auth: { type: 'bearer', token: 'cdc-token' } },
      tax: { adapter: 'module', module: './tax-adapter.mjs', options: { queue: 'tax-in' } },
    });

    const settings = await loadDepartmentSettings(
      configWith({ NODE_ENV: 'production', DEPARTMENTS_CONFIG: file, DEPARTMENTS_URL: gateway.url }),
    );

    expect([...settings.adapters.keys()].sort()).toEqual(Object.keys(departments).sort());
    await submitTo(settings.adapters.get('police'), 'police');
    const [signed] = police.received;
    expect(signed?.url).toBe('/onething/services/any');
    expect(
      verifyRequest(new Map([['k1', policeSecret]]), {
        method: 'POST',
        path: signed?.url ?? '',
        body: signed?.body ?? '',
        headers: signed?.headers ?? {},
      }),
    ).toEqual({ ok: true, keyId: 'k1' });
    await submitTo(settings.adapters.get('cdc'), 'cdc');
    expect(cdc.received[0]?.headers.authorization).toBe('Bearer cdc-token');
    expect(await submitTo(settings.adapters.get('tax'), 'tax')).toEqual({
      outputs: { settings: { department: 'tax', timeoutMs: 2000, options: { queue: 'tax-in' } } },
    });
    // Production invents no secrets: the unlisted departments go unsigned under DEPARTMENTS_URL.
    await submitTo(settings.adapters.get('health'), 'health');
    expect(gateway.received[0]?.url).toBe('/departments/health/services/any');
    expect(gateway.received[0]?.headers[signatureHeaders.signature]).toBeUndefined();

    expect(settings.signingKeys).toEqual(new Map([['police', { keyId: 'k1', secret: policeSecret }]]));
    // Only police may call back; every other department's callbacks are refused.
    expect(settings.callbackKeys).toEqual(new Map([['police', new Map([['k1', policeCallbackSecret]])]]));
    await expect(stat(join(dir, 'data', devSecretsFileName))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('signs and verifies with HMAC-SM3 for a department configured for it (国密)', async () => {
    const police = await department();
    const file = await writeJson('departments.json', {
      police: {
        adapter: 'http',
        baseUrl: police.url,
        auth: { type: 'hmac', keyId: 'k1', secret: policeSecret },
        callbackKeys: { k1: policeCallbackSecret },
        signatureAlgorithm: 'hmac-sm3',
      },
    });
    const settings = await loadDepartmentSettings(
      configWith({ NODE_ENV: 'production', DEPARTMENTS_CONFIG: file }),
    );
    await submitTo(settings.adapters.get('police'), 'police');
    const [signed] = police.received;
    expect(signed?.headers[signatureHeaders.signature]).toMatch(/^v1-sm3=[0-9a-f]{64}$/);
    const request = {
      method: 'POST',
      path: signed?.url ?? '',
      body: signed?.body ?? '',
      headers: signed?.headers ?? {},
    };
    const keys = new Map([['k1', policeSecret]]);
    expect(verifyRequest(keys, request, new Date(), 'hmac-sm3')).toEqual({ ok: true, keyId: 'k1' });
    // Checked as SHA-256 it does not verify: the algorithm is the department's, not the caller's.
    expect(verifyRequest(keys, request)).toEqual({ ok: false, failure: 'bad-signature' });
    expect(settings.signingKeys.get('police')).toEqual({
      keyId: 'k1',
      secret: policeSecret,
      algorithm: 'hmac-sm3',
    });
    expect(settings.signatureAlgorithms).toEqual(new Map([['police', 'hmac-sm3']]));
  });

  it('names an unknown signature algorithm by department and field', async () => {
    const file = await writeJson('departments.json', {
      police: { adapter: 'http', baseUrl: 'http://127.0.0.1:1', signatureAlgorithm: 'hmac-md5' },
    });
    await expect(loadDepartmentSettings(configWith({ DEPARTMENTS_CONFIG: file }))).rejects.toThrow(
      /department police: signatureAlgorithm: .*hmac-sm3/,
    );
  });

  it('accepts a module whose default export is the adapter', async () => {
    await writeFile(
      join(dir, 'adapter.mjs'),
      'export default { async submit() { return { outputs: { from: "default" } }; } };\n',
    );
    const file = await writeJson('departments.json', { tax: { adapter: 'module', module: './adapter.mjs' } });

    const settings = await loadDepartmentSettings(configWith({ DEPARTMENTS_CONFIG: file }));

    expect(await submitTo(settings.adapters.get('tax'), 'tax')).toEqual({ outputs: { from: 'default' } });
  });

  it('names the department and the field of every mistake, never a secret', async () => {
    const file = await writeJson('departments.json', {
      police: {
        adapter: 'http',
        baseUrl: 'ftp://police.example',
        auth: { type: 'hmac', keyId: 'k 1', secret: 'short-secret' },
        maxAnswerBytes: 10,
        retries: 3,
      },
      cdc: { adapter: 'grpc' },
      health: { adapter: 'http', baseUrl: 'https://health.example', auth: { type: 'basic' } },
      tax: { adapter: 'module' },
      polise: { adapter: 'http', baseUrl: 'https://x.example' },
    });

    const error = await configErrorOf(configWith({ DEPARTMENTS_CONFIG: file }));

    expect(error.message).toContain(`DEPARTMENTS_CONFIG (${file}) is invalid:`);
    expect(error.message).toContain('department police: baseUrl: an http:// or https:// URL');
    expect(error.message).toContain(
      "department police: auth.keyId: 1 to 64 letters, digits, '.', '_' or '-'",
    );
    expect(error.message).toContain('department police: auth.secret: at least 16 characters');
    expect(error.message).toContain('department police: maxAnswerBytes: at least 1024 (bytes)');
    expect(error.message).toContain('department police: retries: unknown field');
    expect(error.message).toContain(
      "department cdc: adapter: Invalid discriminator value. Expected 'http' | 'module'",
    );
    expect(error.message).toContain('department health: auth.type:');
    expect(error.message).toContain('department tax: module:');
    expect(error.message).toMatch(/department polise: not in the catalogue \(known: .*police/);
    expect(error.message).not.toContain('short-secret');
  });

  it('refuses a file that is missing, not JSON, or not an object', async () => {
    const missing = join(dir, 'nowhere.json');
    expect((await configErrorOf(configWith({ DEPARTMENTS_CONFIG: missing }))).message).toContain(
      `DEPARTMENTS_CONFIG (${missing}) cannot be read`,
    );
    const broken = await writeJson('broken.json', '{"police": ');
    expect((await configErrorOf(configWith({ DEPARTMENTS_CONFIG: broken }))).message).toContain(
      'is not valid JSON',
    );
    const list = await writeJson('list.json', ['police']);
    expect((await configErrorOf(configWith({ DEPARTMENTS_CONFIG: list }))).message).toContain(
      'the file is an object of department ids to adapter settings',
    );
  });

  it('names the department when its module cannot be loaded or exports no adapter', async () => {
    await writeFile(join(dir, 'empty.mjs'), 'export const nothing = 1;\n');
    const empty = await writeJson('empty.json', { tax: { adapter: 'module', module: './empty.mjs' } });
    expect((await configErrorOf(configWith({ DEPARTMENTS_CONFIG: empty }))).message).toContain(
      'department tax: module ./empty.mjs exports neither createAdapter(settings)',
    );
    const absent = await writeJson('absent.json', { tax: { adapter: 'module', module: './absent.mjs' } });
    expect((await configErrorOf(configWith({ DEPARTMENTS_CONFIG: absent }))).message).toContain(
      'department tax: module ./absent.mjs could not be loaded',
    );
  });
});

describe('loadDepartmentSettings in development without a file', () => {
  it('signs both ways with secrets generated once into department-secrets.json and reused', async () => {
    const simulator = await department();
    const config = configWith();

    const first = await loadDepartmentSettings(config, { departmentsUrl: simulator.url });

    const file = join(dir, 'data', devSecretsFileName);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8')) as Record<
      string,
      { keyId: string; secret: string }
    >;
    expect(Object.keys(saved).sort()).toEqual(Object.keys(departments).sort());
    for (const [id, key] of Object.entries(saved)) {
      expect(first.signingKeys.get(id)).toEqual(key);
      expect(first.callbackKeys.get(id)).toEqual(new Map([[key.keyId, key.secret]]));
    }
    await submitTo(first.adapters.get('police'), 'police');
    const [request] = simulator.received;
    expect(request?.url).toBe('/departments/police/services/any');
    const police = saved['police'];
    expect(
      verifyRequest(new Map([[police?.keyId ?? '', police?.secret ?? '']]), {
        method: 'POST',
        path: request?.url ?? '',
        body: request?.body ?? '',
        headers: request?.headers ?? {},
      }),
    ).toMatchObject({ ok: true });

    const again = await loadDepartmentSettings(config, { departmentsUrl: simulator.url });
    expect(again.signingKeys).toEqual(first.signingKeys);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(saved);
  });

  it('adds a department the catalogue gained, keeping the others', async () => {
    const config = configWith();
    const police = { keyId: 'dev-kept', secret: 'a-development-secret-kept' };
    await loadDepartmentSettings(config);
    const file = join(dir, 'data', devSecretsFileName);
    await writeFile(file, JSON.stringify({ police }), { mode: 0o600 });

    const settings = await loadDepartmentSettings(config);

    expect(settings.signingKeys.get('police')).toEqual(police);
    expect(settings.signingKeys.size).toBe(Object.keys(departments).length);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(Object.keys(JSON.parse(await readFile(file, 'utf8')) as object).sort()).toEqual(
      Object.keys(departments).sort(),
    );
  });

  it('refuses a secrets file it cannot read, without showing its contents', async () => {
    const config = configWith();
    await loadDepartmentSettings(config);
    await writeFile(join(dir, 'data', devSecretsFileName), '{"police": {"keyId": "k", "secret": "tiny"}}');

    const error = await configErrorOf(config);

    expect(error.message).toContain('is not a development secrets file');
    expect(error.message).toContain('delete it to generate new ones');
    expect(error.message).not.toContain('tiny');
  });

  it('uses dev secrets only for the departments the file leaves to the default', async () => {
    const file = await writeJson('departments.json', {
      police: { adapter: 'http', baseUrl: 'https://police.example/onething' },
    });

    const settings = await loadDepartmentSettings(configWith({ DEPARTMENTS_CONFIG: file }));

    expect(settings.signingKeys.has('police')).toBe(false);
    expect(settings.callbackKeys.has('police')).toBe(false);
    expect(settings.signingKeys.has('health')).toBe(true);
  });
});

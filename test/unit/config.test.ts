import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig, missingSettings } from '../../config.js';

/** The error `loadConfig` throws for an environment, or a failure when it throws none. */
function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig', () => {
  it('has a default for every setting and leaves the external services unset', () => {
    expect(loadConfig({})).toEqual({
      NODE_ENV: 'development',
      DATA_DIR: resolve('.data'),
      TEMPORAL_ADDRESS: undefined,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'onething',
      TEMPORAL_CLI_PATH: '.venv/bin/temporal',
      TEMPORAL_DEV_PORT: 7233,
      TEMPORAL_UI_PORT: 8233,
      DATABASE_URL: undefined,
      EMBEDDED_POSTGRES_PORT: 54329,
      API_HOST: '127.0.0.1',
      API_PORT: 3000,
      DATABASE_POOL_SIZE: 10,
      WORKER_HEALTH_HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: 3001,
      WORKER_SHUTDOWN_GRACE: '30s',
      DEPARTMENTS_URL: undefined,
      SIMULATOR_PORT: 4100,
      DEPARTMENT_TIMEOUT_MS: 10_000,
      RATE_LIMIT_PER_MINUTE: 600,
      FAILED_STEP_HOLD: '3d',
      RETENTION_EVERY: '1d',
      WEBHOOK_RETRY_FOR: '3d',
      MATERIAL_STORE: 'directory',
      MATERIAL_MAX_BYTES: 10 * 1024 * 1024,
      MATERIAL_LINK_TTL: '10m',
      MATERIAL_UNREFERENCED_RETENTION: '7d',
      MATERIAL_S3_REGION: 'us-east-1',
      METRICS_HOST: '127.0.0.1',
      TEMPORAL_METRICS_HOST: '127.0.0.1',
      // Tracing stays off: no endpoint.
      OTEL_SERVICE_NAME: 'onething',
      OTEL_TRACES_SAMPLER_ARG: 1,
      // People sign in with the embedded development provider: no issuer.
      OIDC_SCOPE: 'openid profile',
      OIDC_ROLE_CLAIM: 'onething_role',
      OIDC_DEPARTMENT_CLAIM: 'onething_department',
      OIDC_REGION_CLAIM: 'onething_region',
      OIDC_NAME_CLAIM: 'name',
      OIDC_SUPERVISOR_CLAIM: 'onething_supervisor',
      DEV_OIDC_PORT: 4400,
      LOG_LEVEL: 'info',
    });
  });

  it('reads the environment, coercing numbers and resolving the data directory', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: 'var/onething',
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      DATABASE_URL: 'postgres://onething@db/onething',
      DEPARTMENTS_URL: 'https://gateway.example.gov.cn/onething',
      API_PORT: '8080',
      DEPARTMENT_TIMEOUT_MS: '2500',
      LOG_LEVEL: 'warn',
    });

    expect(config).toMatchObject({
      NODE_ENV: 'production',
      DATA_DIR: resolve('var/onething'),
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      DATABASE_URL: 'postgres://onething@db/onething',
      DEPARTMENTS_URL: 'https://gateway.example.gov.cn/onething',
      API_PORT: 8080,
      DEPARTMENT_TIMEOUT_MS: 2500,
      LOG_LEVEL: 'warn',
    });
  });

  it('treats an empty TEMPORAL_ADDRESS, DATABASE_URL or DEPARTMENTS_URL as unset', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: '', DATABASE_URL: '', DEPARTMENTS_URL: '' });

    expect(config.TEMPORAL_ADDRESS).toBeUndefined();
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.DEPARTMENTS_URL).toBeUndefined();
  });

  it.each([
    ['API_PORT', '70000'],
    ['API_PORT', '-1'],
    ['API_PORT', 'http'],
    ['TEMPORAL_DEV_PORT', '7233.5'],
    ['SIMULATOR_PORT', 'abc'],
    ['DEPARTMENT_TIMEOUT_MS', '50'],
  ])('rejects %s=%s, naming the variable', (name, value) => {
    const error = configErrorOf({ [name]: value });

    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(`  ${name}: `);
  });

  it.each([
    ['NODE_ENV', 'staging'],
    ['LOG_LEVEL', 'verbose'],
  ])('rejects %s=%s outside its choices, naming the variable', (name, value) => {
    expect(configErrorOf({ [name]: value }).message).toContain(`  ${name}: `);
  });

  it('treats an empty port, timeout or data directory as unset, never as 0 or the working directory', () => {
    const config = loadConfig({
      API_PORT: '',
      TEMPORAL_DEV_PORT: ' ',
      DEPARTMENT_TIMEOUT_MS: '',
      DATA_DIR: '',
    });
    expect(config.API_PORT).toBe(3000);
    expect(config.TEMPORAL_DEV_PORT).toBe(7233);
    expect(config.DEPARTMENT_TIMEOUT_MS).toBe(10_000);
    expect(config.DATA_DIR).toBe(resolve('.data'));
  });

  it('names every bad variable at once, one per line', () => {
    const error = configErrorOf({ API_PORT: '99999', NODE_ENV: 'staging', API_HOST: '0.0.0.0' });

    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid configuration:');
    expect(lines.slice(1).map((line) => line.split(':')[0]?.trim())).toEqual(
      expect.arrayContaining(['API_PORT', 'NODE_ENV']),
    );
    expect(lines).toHaveLength(3);
  });
});

describe('missingSettings', () => {
  const production = { NODE_ENV: 'production' };
  const everything = {
    TEMPORAL_ADDRESS: 'temporal:7233',
    DATABASE_URL: 'postgres://db/onething',
    ENCRYPTION_KEYS: 'k1:AAAA',
    DEPARTMENTS_CONFIG: '/etc/onething/departments.json',
    VIDEO_PROVIDER_MODULE: './video.js',
    MATERIAL_LINK_BASE_URL: 'https://onething.example.gov.cn',
    OIDC_ISSUER_URL: 'https://sso.example.gov.cn',
    OIDC_CLIENT_ID: 'onething',
    OIDC_REDIRECT_URL: 'https://onething.example.gov.cn/v1/console/oidc/callback',
  };

  it('lets the embedded stack start with nothing set outside production', () => {
    expect(missingSettings(loadConfig({}), 'all-in-one')).toBeUndefined();
  });

  it('names every variable production misses, in one message, for each role', () => {
    const message = missingSettings(loadConfig(production), 'all-in-one') ?? '';
    for (const name of [
      'TEMPORAL_ADDRESS',
      'DATABASE_URL',
      'ENCRYPTION_KEYS',
      'DEPARTMENTS_CONFIG or DEPARTMENTS_URL',
      'VIDEO_PROVIDER_MODULE',
      'MATERIAL_LINK_BASE_URL',
      'OIDC_ISSUER_URL',
      'OIDC_CLIENT_ID',
      'OIDC_REDIRECT_URL',
    ])
      expect(message).toContain(`  ${name}:`);
    // People sign in to the API, not to a worker.
    expect(missingSettings(loadConfig(production), 'worker')).not.toContain('OIDC_ISSUER_URL');
    // The API makes no video rooms: it does not need the provider.
    expect(missingSettings(loadConfig(production), 'api')).not.toContain('VIDEO_PROVIDER_MODULE');
    expect(missingSettings(loadConfig(production), 'worker')).toContain('VIDEO_PROVIDER_MODULE');
    // A worker signs the material links departments follow; the API only serves them.
    expect(missingSettings(loadConfig(production), 'worker')).toContain('  MATERIAL_LINK_BASE_URL:');
    expect(missingSettings(loadConfig(production), 'api')).not.toContain('MATERIAL_LINK_BASE_URL');
  });

  it('is satisfied in production by a complete configuration, DEPARTMENTS_URL counting as departments', () => {
    for (const role of ['all-in-one', 'api', 'worker'] as const)
      expect(missingSettings(loadConfig({ ...production, ...everything }), role)).toBeUndefined();
    const { DEPARTMENTS_CONFIG: _file, ...byUrl } = everything;
    const viaUrl = loadConfig({ ...production, ...byUrl, DEPARTMENTS_URL: 'https://gw/onething' });
    expect(missingSettings(viaUrl, 'worker')).toBeUndefined();
  });

  it('needs Temporal and PostgreSQL for a single role in every mode: it starts no embedded services', () => {
    const message = missingSettings(loadConfig({}), 'worker') ?? '';
    expect(message).toContain('TEMPORAL_ADDRESS');
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('ENCRYPTION_KEYS');
    // Outside production material links fall back to API_HOST:API_PORT.
    expect(message).not.toContain('MATERIAL_LINK_BASE_URL');
  });
});

describe('.env.example', () => {
  it('documents every setting the configuration reads, and nothing it does not', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile('.env.example', 'utf8');
    const documented = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect([...new Set(documented)].sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('parses: its example values are valid settings', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile('.env.example', 'utf8');
    const env = Object.fromEntries(
      [...text.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );
    expect(() => loadConfig(env)).not.toThrow();
  });
});

describe('.env.example samples', () => {
  it('names real steps in its WORKLIST_OVERRIDES sample, so copying it does not stop start-up', async () => {
    const { readFile } = await import('node:fs/promises');
    const { parseStepDeciders } = await import('../../bundles/definition.js');
    const { bundleCatalog } = await import('../../bundles/index.js');
    const text = await readFile('.env.example', 'utf8');
    const sample = /^# ?WORKLIST_OVERRIDES=(.+)$/m.exec(text)?.[1];
    expect(sample).toBeDefined();
    expect(parseStepDeciders(sample, bundleCatalog.values()).size).toBeGreaterThan(0);
  });
});

describe('the materials settings', () => {
  it('store in a directory under DATA_DIR by default, and need a bucket for the S3 store', () => {
    const config = loadConfig({ DATA_DIR: '/tmp/onething-data' });
    expect([config.MATERIAL_STORE, config.MATERIAL_MAX_BYTES, config.MATERIAL_TYPES]).toEqual([
      'directory',
      10 * 1024 * 1024,
      undefined,
    ]);
    expect(missingSettings(config, 'all-in-one')).toBeUndefined();
    const s3 = loadConfig({ MATERIAL_STORE: 's3' });
    expect(missingSettings(s3, 'api')).toContain('  MATERIAL_S3_BUCKET:');
    expect(
      missingSettings(loadConfig({ MATERIAL_STORE: 's3', MATERIAL_S3_BUCKET: 'b' }), 'all-in-one'),
    ).toBeUndefined();
  });

  it('accept only the types a material may be', () => {
    expect(loadConfig({ MATERIAL_TYPES: 'application/pdf, image/png' }).MATERIAL_TYPES).toEqual([
      'application/pdf',
      'image/png',
    ]);
    expect(() => loadConfig({ MATERIAL_TYPES: 'image/gif' })).toThrow(ConfigError);
  });

  it('keep a material no application names for a week by default, and never less than an hour', () => {
    expect(loadConfig({}).MATERIAL_UNREFERENCED_RETENTION).toBe('7d');
    expect(loadConfig({ MATERIAL_UNREFERENCED_RETENTION: '36h' }).MATERIAL_UNREFERENCED_RETENTION).toBe(
      '36h',
    );
    for (const bad of ['30m', 'a week', '-1d'])
      expect(() => loadConfig({ MATERIAL_UNREFERENCED_RETENTION: bad })).toThrow(
        /MATERIAL_UNREFERENCED_RETENTION/,
      );
  });
});

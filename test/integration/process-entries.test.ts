import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Runs an entry script as `npm run …` would, with only `env` set; its exit code and output. */
async function entry(script: string, env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

// Production fails fast: before anything starts (no simulator, no dev server, no embedded
// PostgreSQL, no generated keys), naming every missing variable at once.
describe('a production start with settings missing', () => {
  it.each([
    [
      'scripts/api.ts',
      [
        'TEMPORAL_ADDRESS',
        'DATABASE_URL',
        'ENCRYPTION_KEYS',
        'DEPARTMENTS_CONFIG or DEPARTMENTS_URL',
        'OIDC_ISSUER_URL',
        'OIDC_CLIENT_ID',
        'OIDC_REDIRECT_URL',
      ],
    ],
    [
      'scripts/worker.ts',
      [
        'TEMPORAL_ADDRESS',
        'DATABASE_URL',
        'ENCRYPTION_KEYS',
        'DEPARTMENTS_CONFIG or DEPARTMENTS_URL',
        'VIDEO_PROVIDER_MODULE',
        'MATERIAL_LINK_BASE_URL',
      ],
    ],
    [
      'scripts/start.ts',
      [
        'TEMPORAL_ADDRESS',
        'DATABASE_URL',
        'ENCRYPTION_KEYS',
        'DEPARTMENTS_CONFIG or DEPARTMENTS_URL',
        'VIDEO_PROVIDER_MODULE',
        'MATERIAL_LINK_BASE_URL',
        'OIDC_ISSUER_URL',
        'OIDC_CLIENT_ID',
        'OIDC_REDIRECT_URL',
      ],
    ],
  ])('%s exits 1 naming every missing variable', async (script, names) => {
    const { code, output } = await entry(script, { NODE_ENV: 'production' });
    expect(code).toBe(1);
    for (const name of names) expect(output).toContain(`  ${name}:`);
    expect(output).not.toMatch(
      /starting (the Temporal dev server|PostgreSQL|the department simulator|the development OpenID provider)/,
    );
  });

  it('a single role needs its Temporal and PostgreSQL in development too: it starts no embedded services', async () => {
    const { code, output } = await entry('scripts/worker.ts', { NODE_ENV: 'development' });
    expect(code).toBe(1);
    expect(output).toContain('  TEMPORAL_ADDRESS:');
    expect(output).toContain('  DATABASE_URL:');
  });

  it('a bad value stops start-up naming the variable', async () => {
    const { code, output } = await entry('scripts/api.ts', { API_PORT: 'eighty' });
    expect(code).toBe(1);
    expect(output).toContain('API_PORT');
  });
});

/**
 * `npx onething-conformance` against a live department system (the simulator, reached over HTTP
 * as configured in a DEPARTMENTS_CONFIG file): a readable report and an exit code.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { departmentUrlUnder } from '../../departments/adapters.js';
import { startSimulator } from '../../departments/simulator/server.js';
import type { RunningSimulator } from '../../departments/simulator/server.js';

const police = { keyId: 'cli-police', secret: randomBytes(32).toString('base64url') };
let simulator: RunningSimulator;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onething-conformance-'));
  // The police verify every request with their key, as a real system would.
  simulator = await startSimulator({
    port: 0,
    callbacks: { baseUrl: 'http://127.0.0.1:9', keys: { police }, verifyRequests: true },
  });
});
afterAll(async () => {
  await simulator?.close();
  await rm(dir, { recursive: true, force: true });
});

async function configWith(secret: string): Promise<string> {
  const file = join(dir, `departments-${randomBytes(4).toString('hex')}.json`);
  const entry = {
    adapter: 'http',
    baseUrl: departmentUrlUnder(simulator.url, 'police'),
    auth: { type: 'hmac', keyId: police.keyId, secret },
  };
  await writeFile(file, JSON.stringify({ police: entry }));
  return file;
}

/** Runs the command as an integrator would, from the repository's root. */
function conformance(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['onething-conformance', ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const setBehaviour = (behaviour: object) =>
  fetch(`${simulator.url}/admin/services/police/birth-registration`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(behaviour),
  });

describe('npx onething-conformance', () => {
  it('passes a conforming department, saying which checks a live system cannot run', async () => {
    const run = await conformance([
      '--config',
      await configWith(police.secret),
      '--department',
      'police',
      '--service',
      'birth-registration',
    ]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('police/birth-registration');
    for (const check of ['decides', 'idempotent', 'invalid-input', 'misrouted', 'signature'])
      expect(run.stdout).toMatch(new RegExp(`PASS  ${check}:`));
    // No hook into a live system: faults cannot be injected.
    expect(run.stdout).toMatch(/SKIP {2}transient-failure:/);
    expect(run.stdout).toContain('conformance: no check failed');
  });

  it('checks the cancellation of a case the department accepted', async () => {
    await setBehaviour({ decision: 'poll', decisionDelayMs: 600_000 });
    try {
      const run = await conformance([
        '--config',
        await configWith(police.secret),
        '--department',
        'police',
        '--service',
        'birth-registration',
      ]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(/PASS {2}cancel:/);
    } finally {
      await setBehaviour({});
    }
  });

  it('fails, with exit code 1, a department that refuses the configured credentials', async () => {
    const run = await conformance([
      '--config',
      await configWith(randomBytes(32).toString('base64url')),
      '--department',
      'police',
      '--service',
      'birth-registration',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}decides:/);
    expect(run.stdout).toMatch(/conformance: \d+ check\(s\) failed/);
  });

  it('answers a usage error with exit code 2 and the usage', async () => {
    const run = await conformance(['--config', await configWith(police.secret)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--department is required');
    expect(run.stderr).toContain('usage: onething-conformance');
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import type { ApplicationView } from '../../schemas/api.js';
import { startEmbeddedProcess } from '../support/embedded-process.js';
import type { EmbeddedPorts, EmbeddedProcess } from '../support/embedded-process.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../../net/free-port.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { OidcBrowser } from '../support/oidc-browser.js';

// `npm start` as a user runs it: a separate process on a private data directory (mktemp -d makes
// it 0700, as a new user's checkout may be), stopped and started again on the same data.
const dataDir = await mkdtemp(join(tmpdir(), 'onething-restart-'));
const ports: EmbeddedPorts = {
  api: await freePort(),
  temporal: await freePort(),
  postgres: await freePort(),
  simulator: await freePort(),
  oidc: await freePort(),
};
let running: EmbeddedProcess | undefined;
const start = async () => {
  running = await startEmbeddedProcess({
    dataDir,
    ports,
    logFile: join(inject('logDir'), `embedded-${randomUUID()}.log`),
  });
  return running;
};

afterAll(async () => {
  await running?.killEverything().catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

/** Every newborn department answers after `latencyMs`: applications stay in flight a while. */
async function slowDepartments(stack: EmbeddedProcess, latencyMs: number) {
  for (const step of newborn.steps) {
    const response = await fetch(`${stack.simulatorUrl}/admin/services/${step.department}/${step.service}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs }),
    });
    expect(response.status).toBe(200);
  }
}

async function post(stack: EmbeddedProcess, key: string) {
  const response = await fetch(`${stack.apiUrl}/v1/applications`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${stack.devKeys.portal}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify(newbornRequest()),
  });
  return { status: response.status, view: (await response.json()) as ApplicationView };
}

async function view(stack: EmbeddedProcess, id: string): Promise<ApplicationView> {
  const response = await fetch(`${stack.apiUrl}/v1/applications/${id}`, {
    headers: { authorization: `Bearer ${stack.devKeys.portal}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ApplicationView;
}

/** Submits `count` applications and waits until the worker has each one's first call under way. */
async function submitInFlight(stack: EmbeddedProcess, count: number): Promise<Map<string, string>> {
  const byKey = new Map<string, string>();
  for (let i = 0; i < count; i += 1) {
    const key = `restart-${randomUUID()}`;
    const { status, view } = await post(stack, key);
    expect(status).toBe(201);
    byKey.set(key, view.id);
  }
  for (const id of byKey.values()) {
    await eventually(`a department call of ${id} under way`, async () => {
      const current = await view(stack, id);
      return current.steps.some((s) => s.status !== 'pending') ? current : undefined;
    });
  }
  return byKey;
}

describe('the embedded stack, stopped and started again on the same data', () => {
  it('finishes every application after a SIGTERM and after a power loss, each Idempotency-Key naming its first application', async () => {
    const first = await start();
    await slowDepartments(first, 1500);
    const beforeStop = await submitInFlight(first, 10);
    expect(await first.terminate()).toBe(0);
    // An orderly stop leaves nothing running: no PostgreSQL, no Temporal server.
    expect(await first.processes()).toEqual([]);

    const second = await start();
    await slowDepartments(second, 1500);
    const beforePowerLoss = await submitInFlight(second, 20);
    const inFlight = await Promise.all([...beforePowerLoss.values()].map((id) => view(second, id)));
    expect(inFlight.filter((v) => !ended(v)).length).toBeGreaterThan(0);
    await second.killEverything();

    const third = await start();
    const all = new Map([...beforeStop, ...beforePowerLoss]);
    for (const id of all.values()) {
      const final = await eventually(
        `${id} to end`,
        async () => {
          const current = await view(third, id);
          return ended(current) ? current : undefined;
        },
        120_000,
      );
      expect(final.status, `${id}: ${JSON.stringify(final.steps)}`).toBe('completed');
    }
    // The portal's retry after the outage gets the application it was first given.
    for (const [key, id] of all) {
      const again = await post(third, key);
      expect(again.status).toBe(200);
      expect(again.view.id).toBe(id);
    }

    // Only the main process killed (the OOM killer's way): PostgreSQL and the Temporal server it
    // started keep running, holding the ports and the data; the next start stops and replaces them.
    process.kill(third.pid, 'SIGKILL');
    await eventually('the main process to go', async () =>
      (await third.processes()).includes(third.pid) ? undefined : true,
    );
    expect((await third.processes()).length).toBeGreaterThan(0);
    const fourth = await start();
    expect(await third.processes()).toEqual([]);
    const [someKey, someId] = [...all][0] as [string, string];
    expect((await post(fourth, someKey)).view.id).toBe(someId);

    // PostgreSQL refuses a data directory that is not 0700 or 0750: start-up never changes it.
    const mode = (await stat(join(dataDir, 'postgres'))).mode & 0o777;
    expect([0o700, 0o750]).toContain(mode);

    // Its development OpenID provider's people are printed like the keys, and sign in to the console.
    expect(fourth.output()).toMatch(/Development sign-in \(http:\/\/127\.0\.0\.1:\d+; any password\)/);
    expect(fourth.output()).toMatch(/wang\.fang\s+王芳 Wang Fang\s+operator/);
    const browser = new OidcBrowser();
    const signIn = await browser.signIn(`${fourth.apiUrl}/v1/console/oidc/sign-in`, 'li.ming');
    expect(signIn.response.status).toBe(200);
    const session = await browser.request(`${fourth.apiUrl}/v1/console/session`);
    expect(await session.json()).toMatchObject({ name: '李明 Li Ming', role: 'clerk:vehicle-office' });
  }, 600_000);
});

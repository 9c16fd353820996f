import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { eventually } from '../support/eventually.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});
afterEach(async () => {
  await stack.simulator.setBehaviour('police', 'birth-registration', {});
  // Leave police open for the next test, whatever this one did.
  await stack.request(
    'POST',
    '/v1/ops/departments/police/resume',
    { reason: 'test cleanup' },
    {},
    'operator',
  );
});

const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
const pausedAtPolice = (view: ApplicationView) =>
  police(view)?.status === 'waiting' && police(view)?.waiting?.reason === 'department-paused';
const ops = <T>(method: string, path: string, body?: unknown, as: 'operator' | 'portal' = 'operator') =>
  stack.request<T>(method, path, body, {}, as);

const submitsToPolice = async (id: string) =>
  (await stack.simulator.requests({ keyPrefix: `${id}:householdRegistration` })).filter(
    (r) => r.kind === 'submit',
  ).length;

interface DepartmentState {
  id: string;
  paused: { reason: string; pausedBy: string } | null;
  waitingSteps: number;
}
interface StuckList {
  applications: Array<{ id: string; reasons: Array<{ code: string; message: string; stepId: string }> }>;
}
interface AuditRows {
  entries: Array<{ action: string; result: string; reason: string | null; target: string | null }>;
}

describe('department outage mode', () => {
  it('queues calls to a paused department without failing them, and resumes them throttled', async () => {
    const paused = await ops<DepartmentState>('POST', '/v1/ops/departments/police/pause', {
      reason: '公安人口系统停机 / police system down',
    });
    expect(paused.status).toBe(200);
    expect(paused.body.paused?.reason).toBe('公安人口系统停机 / police system down');

    const first = await stack.submit(newbornRequest());
    const second = await stack.submit(newbornRequest());
    for (const id of [first.body.id, second.body.id]) {
      const waiting = await stack.waitForApplication(id, pausedAtPolice);
      expect(waiting.status).toBe('running');
      expect(police(waiting)?.waiting?.message).toBe('paused: police outage');
      expect(police(waiting)?.error).toBeNull();
    }
    // Nothing reached the police while paused.
    expect(await stack.simulator.requests({ keyPrefix: `${first.body.id}:householdRegistration` })).toEqual(
      [],
    );
    const states = await ops<{ departments: DepartmentState[] }>('GET', '/v1/ops/departments');
    expect(states.body.departments.find((d) => d.id === 'police')).toMatchObject({
      paused: { reason: '公安人口系统停机 / police system down' },
      waitingSteps: 2,
    });
    const stuck = await ops<StuckList>('GET', '/v1/ops/applications?stuck=department-paused');
    const row = stuck.body.applications.find((a) => a.id === first.body.id);
    expect(row?.reasons[0]).toMatchObject({ code: 'department-paused', stepId: 'householdRegistration' });
    expect(row?.reasons[0]?.message).toContain('paused: police outage');

    expect((await ops('POST', '/v1/ops/departments/police/pause', { reason: 'again' })).status).toBe(409);
    const resumed = await ops<{ resumeWorkflowId: string; paused: unknown }>(
      'POST',
      '/v1/ops/departments/police/resume',
      { reason: '系统恢复 / back', ratePerSecond: 1 },
    );
    expect(resumed.status).toBe(202);
    expect(resumed.body.paused).toBeNull();

    for (const id of [first.body.id, second.body.id]) {
      const done = await stack.waitForApplication(id, ended);
      expect(done.status).toBe('completed');
      expect(police(done)?.attempts).toBe(1);
    }
    // Throttled: one application woken per second, so the two calls are at least ~1 s apart.
    const calls = [
      ...(await stack.simulator.requests({ keyPrefix: `${first.body.id}:householdRegistration` })),
      ...(await stack.simulator.requests({ keyPrefix: `${second.body.id}:householdRegistration` })),
    ].filter((r) => r.kind === 'submit');
    expect(calls).toHaveLength(2);
    const [a, b] = calls.map((r) => Date.parse(r.at)).sort((x, y) => x - y);
    expect((b ?? 0) - (a ?? 0)).toBeGreaterThanOrEqual(900);

    const audit = await ops<AuditRows>('GET', '/v1/ops/audit?action=department.resume');
    expect(audit.body.entries[0]).toMatchObject({
      target: 'police',
      result: 'ok',
      reason: '系统恢复 / back',
    });
    const refused = await ops<AuditRows>('GET', '/v1/ops/audit?action=department.pause');
    expect(refused.body.entries.map((e) => e.result)).toContain('DEPARTMENT_PAUSE_CONFLICT');
  });

  it('stops a call that is being retried at its next attempt, and it completes after the resume', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 1000 });
    const submitted = await stack.submit(newbornRequest());
    await stack.waitForApplication(submitted.body.id, (view) => (police(view)?.attempts ?? 0) >= 2);
    await ops('POST', '/v1/ops/departments/police/pause', { reason: 'outage' });
    const waiting = await stack.waitForApplication(submitted.body.id, pausedAtPolice);
    expect(waiting.status).toBe('running');

    await stack.simulator.setBehaviour('police', 'birth-registration', {});
    await ops('POST', '/v1/ops/departments/police/resume', { reason: 'fixed' });
    const done = await stack.waitForApplication(submitted.body.id, ended);
    expect(done.status).toBe('completed');
    expect(police(done)).toMatchObject({ status: 'completed', waiting: null });
  });

  it('refuses unknown departments, a resume of an open one, and callers who are not operators', async () => {
    expect((await ops('POST', '/v1/ops/departments/nowhere/pause', { reason: 'x' })).status).toBe(404);
    expect((await ops('POST', '/v1/ops/departments/police/resume', { reason: 'x' })).status).toBe(409);
    expect((await ops('POST', '/v1/ops/departments/police/pause', {})).status).toBe(400);
    expect((await ops('POST', '/v1/ops/departments/police/pause', { reason: 'x' }, 'portal')).status).toBe(
      403,
    );
    expect((await ops('GET', '/v1/ops/departments', undefined, 'portal')).status).toBe(403);
  });
});

describe('outage mode on the command line', () => {
  const ops = (...args: string[]) =>
    promisify(execFile)('npx', ['tsx', 'scripts/ops.ts', ...args], {
      env: { ...process.env, ONETHING_API_URL: stack.apiUrl, ONETHING_API_KEY: stack.keys.operator },
    });

  it('pauses, lists and resumes a department', async () => {
    expect((await ops('pause', 'police', '--reason', 'planned maintenance')).stdout).toContain(
      'police paused',
    );
    const listed = (await ops('departments')).stdout;
    expect(listed).toMatch(/police\s+paused since \S+ \S+\s+0\s+planned maintenance/);
    expect(listed).toMatch(/health\s+open/);
    expect((await ops('resume', 'police', '--reason', 'done', '--rate', '5')).stdout).toContain(
      'police resumed',
    );
    await expect(ops('pause', 'police')).rejects.toMatchObject({ stderr: expect.stringContaining('usage') });
  });
});

describe('re-sending to a department after an outage', () => {
  it('submits again a case the department lost, under the same key, and takes its decision', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    const submitted = await stack.submit(newbornRequest());
    const id = submitted.body.id;
    const waiting = await stack.waitForApplication(id, (view) => police(view)?.status === 'waiting');
    const path = `/v1/ops/applications/${id}/steps/householdRegistration`;

    // Only a step waiting for a decision can be re-sent; a completed one cannot.
    expect(
      (await ops('POST', `/v1/ops/applications/${id}/steps/birthCertificate/resend`, { reason: 'x' })).status,
    ).toBe(409);
    const resent = await ops('POST', `${path}/resend`, { reason: '公安系统丢失案件 / lost in the outage' });
    expect(resent.status).toBe(202);

    await eventually('a second submit to the police', async () =>
      (await submitsToPolice(id)) === 2 ? true : undefined,
    );
    const again = await stack.waitForApplication(id, (view) => police(view)?.status === 'waiting');
    await stack.simulator.decideNow('police', 'birth-registration', police(again)?.receiptNumber ?? '');
    const done = await stack.waitForApplication(id, ended);
    expect(done.status).toBe('completed');
    expect(police(done)?.receiptNumber).toBe(police(waiting)?.receiptNumber);
    // The same key twice: one case at the police.
    expect(await stack.simulator.ledger({ keyPrefix: `${id}:householdRegistration` })).toHaveLength(1);
    const audit = await ops<AuditRows>('GET', `/v1/ops/audit?applicationId=${id}`);
    expect(audit.body.entries.map((e) => `${e.action} ${e.result}`)).toEqual(
      expect.arrayContaining(['step.resend ok', 'step.resend STEP_NOT_REPAIRABLE']),
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vehicleCertificateReissue } from '../../bundles/vehicle-certificate-reissue.js';
import type { ApplicationView } from '../../schemas/api.js';
import { applicationEventSchema } from '../../schemas/events.js';
import type { ApplicationEvent } from '../../schemas/events.js';
import { readEventStream } from '../support/event-stream.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
let newborn: ApplicationView;
let vehicle: string;
beforeAll(async () => {
  stack = await startTestStack();
  const submitted = await stack.submit(newbornRequest());
  newborn = await stack.waitForApplication(submitted.body.id, ended);
  // Only the vehicle office: nothing of the police's.
  vehicle = (await stack.submit(vehicleCertificateReissue.example)).body.id;
});
afterAll(async () => {
  await stack?.close();
});

type Problem = { code?: string };
const police = <T = Problem>(method: string, path: string, body?: unknown) =>
  stack.request<T>(method, path, body, {}, 'policeOperator');

describe('an operator scoped to the police', () => {
  it('sees applications with police steps, and only those steps', async () => {
    const view = await police<ApplicationView>('GET', `/v1/applications/${newborn.id}`);
    expect(view.status).toBe(200);
    expect(view.body.steps.map((s) => s.department)).toEqual(['police']);
    expect(newborn.steps.length).toBeGreaterThan(1);

    const ops = await police<{ application: ApplicationView; timeline: Array<{ stepId: string | null }> }>(
      'GET',
      `/v1/ops/applications/${newborn.id}`,
    );
    expect(ops.body.application.steps.map((s) => s.department)).toEqual(['police']);
    const policeSteps = new Set(newborn.steps.filter((s) => s.department === 'police').map((s) => s.id));
    expect(ops.body.timeline.every((e) => e.stepId === null || policeSteps.has(e.stepId))).toBe(true);

    const other = await police('GET', `/v1/applications/${vehicle}`);
    expect([other.status, other.body.code]).toEqual([404, 'APPLICATION_NOT_FOUND']);
    expect((await stack.getApplication(vehicle, 'operator')).id).toBe(vehicle);
  });

  it("repairs only police steps, lists only the police's", async () => {
    const health = newborn.steps.find((s) => s.department === 'health');
    const refused = await police(
      'POST',
      `/v1/ops/applications/${newborn.id}/steps/${health?.id ?? ''}/retry`,
      {
        reason: 'not mine',
      },
    );
    expect([refused.status, refused.body.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const list = await police('GET', '/v1/ops/applications?department=health');
    expect([list.status, list.body.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const departments = await police<{ departments: Array<{ id: string }> }>('GET', '/v1/ops/departments');
    expect(departments.body.departments.map((d) => d.id)).toEqual(['police']);
    const pause = await police('POST', '/v1/ops/departments/health/pause', { reason: 'not mine' });
    expect([pause.status, pause.body.code]).toEqual([403, 'OUT_OF_SCOPE']);
  });
});

describe("an operator scoped to the police, in an application's events and access log", () => {
  it("sees its own steps' entries and the application's own, no other department's", async () => {
    const policeSteps = new Set(newborn.steps.filter((s) => s.department === 'police').map((s) => s.id));
    const stepsOf = (events: ApplicationEvent[]) =>
      new Set(events.flatMap((e) => (e.stepId ? [e.stepId] : [])));
    const read = async (as: 'operator' | 'policeOperator') => {
      const result = await readEventStream(`${stack.apiUrl}/v1/applications/${newborn.id}/events`, {
        authorization: `Bearer ${stack.keys[as]}`,
      });
      expect(result.status).toBe(200);
      return result.frames.map((f) => applicationEventSchema.parse(JSON.parse(f.data)));
    };
    const everyone = await read('operator');
    // Other departments' steps have events the police must not see.
    expect([...stepsOf(everyone)].some((id) => !policeSteps.has(id))).toBe(true);
    const own = await read('policeOperator');
    expect([...stepsOf(own)].sort()).toEqual([...policeSteps].sort());
    expect(own.at(-1)).toMatchObject({ type: 'application.status_changed', status: newborn.status });

    type Log = { entries: Array<{ stepId: string | null; fields: string[] }> };
    const all = await stack.request<Log>(
      'GET',
      `/v1/applications/${newborn.id}/access-log`,
      undefined,
      {},
      'operator',
    );
    expect(all.body.entries.some((e) => e.stepId !== null && !policeSteps.has(e.stepId))).toBe(true);
    const log = await police<Log>('GET', `/v1/applications/${newborn.id}/access-log`);
    expect(log.status).toBe(200);
    expect(log.body.entries.some((e) => e.stepId !== null && policeSteps.has(e.stepId))).toBe(true);
    for (const entry of log.body.entries) {
      if (entry.stepId !== null) expect(policeSteps.has(entry.stepId), entry.stepId).toBe(true);
      // A read of the application keeps only the police steps' fields (`<step>.<field>`).
      else
        for (const field of entry.fields)
          expect(policeSteps.has(field.split('.')[0] ?? ''), field).toBe(true);
    }
  });
});

describe("a department's own staff", () => {
  it('read the cases their department received, and no other', async () => {
    const cases = await stack.request<{
      cases: Array<{ applicationId: string; stepId: string; service: string }>;
    }>('GET', '/v1/departments/police/cases?limit=100', undefined, {}, 'policeDepartment');
    expect(cases.status).toBe(200);
    const policeStep = newborn.steps.find((s) => s.department === 'police');
    expect(cases.body.cases).toContainEqual(
      expect.objectContaining({ applicationId: newborn.id, stepId: policeStep?.id }),
    );
    expect(cases.body.cases.every((c) => c.applicationId === newborn.id)).toBe(true);
    const other = await stack.request<Problem>(
      'GET',
      '/v1/departments/health/cases',
      undefined,
      {},
      'policeDepartment',
    );
    expect([other.status, other.body.code]).toEqual([403, 'FORBIDDEN']);
    expect(
      (await stack.request('GET', `/v1/applications/${newborn.id}`, undefined, {}, 'policeDepartment'))
        .status,
    ).toBe(403);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
import { ended, newbornRequest } from '../support/newborn.js';
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
  for (const [department, service] of [
    ['hr-social-security', 'social-security-card'],
    ['tax', 'resident-contribution'],
    ['medical-insurance', 'resident-enrolment'],
  ] as const) {
    await stack.simulator.setBehaviour(department, service, {});
  }
});

const stepOf = (view: ApplicationView, id: string) => view.steps.find((s) => s.id === id);
const withdraw = (id: string, as: 'portal' | 'otherPortal' = 'portal') =>
  stack.request<ApplicationView & { code?: string }>(
    'POST',
    `/v1/applications/${id}/withdraw`,
    { reason: '孩子随父母迁往外地 / moving away' },
    {},
    as,
  );

describe('withdrawal and compensation', () => {
  it('withdraws: steps not yet started never start, completed steps that can be undone are compensated', async () => {
    // Social security waits for a decision, so the application is still running when withdrawn.
    await stack.simulator.setBehaviour('hr-social-security', 'social-security-card', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    await stack.simulator.setBehaviour('tax', 'resident-contribution', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    const submitted = await stack.submit(newbornRequest());
    const running = await stack.waitForApplication(
      submitted.body.id,
      (v) =>
        stepOf(v, 'socialSecurityCard')?.status === 'waiting' &&
        stepOf(v, 'insurancePayment')?.status === 'waiting',
    );
    expect(stepOf(running, 'medicalInsurance')?.status).toBe('completed');

    expect((await withdraw(running.id, 'otherPortal')).status).toBe(404);
    const accepted = await withdraw(running.id);
    expect(accepted.status).toBe(202);

    const done = await stack.waitForApplication(running.id, ended);
    expect(done.status).toBe('withdrawn');
    // Completed and undoable: compensated. Completed and not undoable: stays completed.
    expect(stepOf(done, 'medicalInsurance')?.status).toBe('compensated');
    expect(stepOf(done, 'householdRegistration')?.status).toBe('completed');
    expect(stepOf(done, 'birthCertificate')?.status).toBe('completed');
    // Waiting on a department when withdrawn: abandoned, not compensated (it never completed).
    expect(stepOf(done, 'socialSecurityCard')).toMatchObject({
      status: 'skipped',
      error: { code: 'Withdrawn' },
    });
    expect(stepOf(done, 'insurancePayment')).toMatchObject({
      status: 'skipped',
      error: { code: 'Withdrawn' },
    });
    const undone = await stack.simulator.requests({ keyPrefix: `undo:${done.id}:` });
    expect(undone.filter((r) => r.kind === 'undo' && r.status === 200).map((r) => r.service)).toEqual([
      'resident-enrolment',
    ]);

    const again = await withdraw(done.id);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'APPLICATION_ENDED' });
  });

  it('leaves a failed undo visible on the step instead of dropping it', async () => {
    await stack.simulator.setBehaviour('hr-social-security', 'social-security-card', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    await stack.simulator.setBehaviour('medical-insurance', 'resident-enrolment', { undo: 'fail' });
    const submitted = await stack.submit(newbornRequest());
    const running = await stack.waitForApplication(
      submitted.body.id,
      (v) =>
        stepOf(v, 'socialSecurityCard')?.status === 'waiting' &&
        stepOf(v, 'insurancePayment')?.status === 'completed',
    );
    expect((await withdraw(running.id)).status).toBe(202);
    const done = await stack.waitForApplication(running.id, ended, 60_000);
    expect(done.status).toBe('withdrawn');
    expect(stepOf(done, 'insurancePayment')?.status).toBe('compensated');
    expect(stepOf(done, 'medicalInsurance')).toMatchObject({
      status: 'failed',
      error: { code: 'CompensationFailed', message: expect.stringContaining('medical-insurance') },
    });
    // Undone latest first: the payment before the enrolment it depended on.
    const undos = await stack.simulator.requests({ keyPrefix: `undo:${done.id}:` });
    expect(undos[0]?.service).toBe('resident-contribution');
    expect(undos.filter((r) => r.service === 'resident-enrolment').length).toBe(5);
  }, 90_000);
});

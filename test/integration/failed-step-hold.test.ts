import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
import { quickRetry, startNewbornWithSteps } from '../support/adjusted-plan.js';
import { ended } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  // Long enough that no test sees the hold run out.
  stack = await startTestStack({ failedStepHold: '1h' });
});
afterAll(async () => {
  await stack?.close();
});
afterEach(async () => {
  await stack.simulator.setBehaviour('police', 'birth-registration', {});
});

const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
const failedAtPolice = (view: ApplicationView) => police(view)?.status === 'failed';
const repair = (id: string, action: 'retry' | 'skip' | 'resend', body: Record<string, unknown>) =>
  stack.request(
    'POST',
    `/v1/ops/applications/${id}/steps/householdRegistration/${action}`,
    body,
    {},
    'operator',
  );

interface StuckList {
  applications: Array<{ id: string; reasons: Array<{ code: string; message: string }> }>;
}

/** A newborn application whose police call gives up after two seconds of failed attempts. */
const startWithShortPoliceBudget = () =>
  startNewbornWithSteps(stack, { householdRegistration: { callTimeout: '2s', retry: quickRetry('2s') } });

describe('a failed department call is held for an operator', () => {
  it('keeps the application running with the step failed, listed as stuck, until an operator retries it', async () => {
    // The police system answers with outputs that break the service's contract: retried until
    // the step's budget is spent, then held.
    await stack.simulator.setBehaviour('police', 'birth-registration', { brokenOutputs: true });
    const id = await startWithShortPoliceBudget();
    const held = await stack.waitForApplication(id, failedAtPolice);
    expect(held.status).toBe('running');
    expect(police(held)?.error?.code).toBe('DepartmentOutputInvalid');
    expect(police(held)?.error?.message).toMatch(/^retry budget spent: police\/birth-registration/);
    expect(police(held)?.attempts).toBeGreaterThan(1);

    const stuck = await stack.request<StuckList>(
      'GET',
      '/v1/ops/applications?stuck=step-failed',
      undefined,
      {},
      'operator',
    );
    const row = stuck.body.applications.find((a) => a.id === held.id);
    expect(row?.reasons[0]?.code).toBe('step-failed');
    expect(row?.reasons[0]?.message).toContain('held for an operator');

    // Nothing to re-send: the department never accepted the case.
    expect((await repair(held.id, 'resend', { reason: 'x' })).status).toBe(409);
    await stack.simulator.setBehaviour('police', 'birth-registration', {});
    expect(
      (await repair(held.id, 'retry', { reason: '公安已修复接口 / police fixed their answer' })).status,
    ).toBe(202);
    const done = await stack.waitForApplication(held.id, ended);
    expect(done.status).toBe('completed');
    expect(police(done)).toMatchObject({ status: 'completed', error: null });
  });

  it('lets an operator skip a failed step, entering its outputs', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { brokenOutputs: true });
    const held = await stack.waitForApplication(await startWithShortPoliceBudget(), failedAtPolice);
    const { citizenIdCheckDigit } = await import('../../schemas/fields.js');
    const base = '33010620261120123';
    const outputs = { citizenIdNumber: base + citizenIdCheckDigit(base), householdPage: 'HB-MANUAL-2' };
    const skipped = await repair(held.id, 'skip', { reason: 'registered at the counter', outputs });
    expect(skipped.status).toBe(202);
    const done = await stack.waitForApplication(held.id, ended);
    expect(done.status).toBe('completed');
    expect(police(done)).toMatchObject({ status: 'skipped', outputs });
  });

  it("holds a call a gateway keeps answering with a bare 404, and completes on an operator's retry", async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { gatewayError: { status: 404 } });
    const held = await stack.waitForApplication(await startWithShortPoliceBudget(), failedAtPolice);
    expect(held.status).toBe('running');
    expect(police(held)).toMatchObject({ status: 'failed', error: { code: 'DepartmentUnavailable' } });
    expect(police(held)?.error?.message).toMatch(/^retry budget spent: police answered 404 /);

    await stack.simulator.setBehaviour('police', 'birth-registration', {});
    expect((await repair(held.id, 'retry', { reason: 'gateway route fixed' })).status).toBe(202);
    const done = await stack.waitForApplication(held.id, ended);
    expect(done.status).toBe('completed');
    expect(police(done)).toMatchObject({ status: 'completed', error: null });
  });
});

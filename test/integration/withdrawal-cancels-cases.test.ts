/**
 * A withdrawal tells each department that accepted a case and has not decided it to cancel it
 * (`DELETE` on the case), and shows its answer on the step: cancelled; decided in favour before
 * the cancellation arrived (then undone like a completed step); decided against; or not
 * deliverable (the step fails for an operator, among the stuck).
 */
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
  await stack.simulator.setBehaviour('hr-social-security', 'social-security-card', {});
  await stack.simulator.setBehaviour('tax', 'resident-contribution', {});
});

const stepOf = (view: ApplicationView, id: string) => view.steps.find((s) => s.id === id);
const card = (view: ApplicationView) => stepOf(view, 'socialSecurityCard');
const payment = (view: ApplicationView) => stepOf(view, 'insurancePayment');
const withdraw = (id: string) =>
  stack.request('POST', `/v1/applications/${id}/withdraw`, { reason: '不再需要 / no longer needed' });

/** Submits a newborn and waits until both later-deciding steps hold a receipt. */
async function submitUntilWaiting(): Promise<ApplicationView> {
  const submitted = await stack.submit(newbornRequest());
  return stack.waitForApplication(
    submitted.body.id,
    (v) => card(v)?.status === 'waiting' && payment(v)?.status === 'waiting',
  );
}

/** The simulator's record of cancellations of the application's `stepId`. */
async function cancellations(applicationId: string, stepId: string) {
  const requests = await stack.simulator.requests({ keyPrefix: `${applicationId}:${stepId}` });
  return requests.filter((r) => r.kind === 'cancel');
}

describe('a withdrawal cancels the cases departments have not decided', () => {
  it('cancels an undecided case once, and the department decides it no more', async () => {
    for (const [department, service] of [
      ['hr-social-security', 'social-security-card'],
      ['tax', 'resident-contribution'],
    ] as const) {
      await stack.simulator.setBehaviour(department, service, {
        decision: 'callback',
        decisionDelayMs: 600_000,
      });
    }
    const waiting = await submitUntilWaiting();
    const receipt = card(waiting)?.receiptNumber ?? '';
    expect(receipt).toMatch(/^RCPT-/);
    expect((await withdraw(waiting.id)).status).toBe(202);

    const done = await stack.waitForApplication(waiting.id, ended);
    expect(done.status).toBe('withdrawn');
    expect(card(done)).toMatchObject({
      status: 'skipped',
      error: {
        code: 'Withdrawn',
        message: expect.stringContaining(`hr-social-security cancelled case ${receipt}`),
      },
    });
    expect(payment(done)).toMatchObject({
      status: 'skipped',
      error: { code: 'Withdrawn', message: expect.stringContaining('tax cancelled case') },
    });
    const cancelled = await cancellations(done.id, 'socialSecurityCard');
    expect(cancelled.map((r) => r.status)).toEqual([200]);

    // The department's own "decide now" finds the case closed: no callback follows.
    await stack.simulator.decideNow('hr-social-security', 'social-security-card', receipt);
    const after = await stack.simulator.requests({ keyPrefix: `${done.id}:socialSecurityCard` });
    expect(after.filter((r) => r.kind === 'callback')).toEqual([]);
  });

  it('undoes a case the department decided before the cancellation arrived', async () => {
    await stack.simulator.setBehaviour('hr-social-security', 'social-security-card', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    // Decided at once, but reported only when asked: the workflow has not asked yet when withdrawn.
    await stack.simulator.setBehaviour('tax', 'resident-contribution', { decision: 'poll' });
    const waiting = await submitUntilWaiting();
    expect((await withdraw(waiting.id)).status).toBe(202);

    const done = await stack.waitForApplication(waiting.id, ended);
    expect(done.status).toBe('withdrawn');
    expect(payment(done)?.status).toBe('compensated');
    expect((await cancellations(done.id, 'insurancePayment')).map((r) => r.status)).toEqual([200]);
    const undone = await stack.simulator.requests({ keyPrefix: `undo:${done.id}:insurancePayment` });
    expect(undone.filter((r) => r.kind === 'undo').map((r) => r.status)).toEqual([200]);
  });

  it('fails the step for an operator when the cancellation cannot be delivered', async () => {
    for (const [department, service] of [
      ['hr-social-security', 'social-security-card'],
      ['tax', 'resident-contribution'],
    ] as const) {
      await stack.simulator.setBehaviour(department, service, {
        decision: 'callback',
        decisionDelayMs: 600_000,
      });
    }
    const waiting = await submitUntilWaiting();
    // From now on every request to the card service is answered 503, the cancellation included.
    await stack.simulator.setBehaviour('hr-social-security', 'social-security-card', {
      decision: 'callback',
      decisionDelayMs: 600_000,
      failNext: 100,
    });
    expect((await withdraw(waiting.id)).status).toBe(202);

    const done = await stack.waitForApplication(waiting.id, ended);
    expect(done.status).toBe('withdrawn');
    expect(card(done)).toMatchObject({
      status: 'failed',
      error: {
        code: 'CancellationFailed',
        message: expect.stringContaining('could not be told to cancel case'),
      },
    });
    expect((await cancellations(done.id, 'socialSecurityCard')).map((r) => r.status)).toEqual([
      503, 503, 503, 503, 503,
    ]);
    const stuck = await stack.request<{
      applications: Array<{ id: string; reasons: Array<{ code: string; stepId: string }> }>;
    }>('GET', '/v1/ops/applications?stuck=compensation-failed', undefined, {}, 'operator');
    const found = stuck.body.applications.find((a) => a.id === done.id);
    expect(found?.reasons).toContainEqual(
      expect.objectContaining({ code: 'compensation-failed', stepId: 'socialSecurityCard' }),
    );
  });
});

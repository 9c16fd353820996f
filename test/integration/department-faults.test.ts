import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
import { quickRetry, startNewbornWithSteps } from '../support/adjusted-plan.js';
import { eventually } from '../support/eventually.js';
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
  await stack.simulator.setBehaviour('police', 'birth-registration', {});
});

const stepOf = (view: ApplicationView, id: string) => view.steps.find((s) => s.id === id);

describe('department faults', () => {
  it('retries a department answering 503 three times, with one side effect per step', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 3 });
    const submitted = await stack.submit(newbornRequest());
    const view = await stack.waitForApplication(submitted.body.id, ended);

    expect(view.status).toBe('completed');
    expect(stepOf(view, 'householdRegistration')).toMatchObject({
      status: 'completed',
      attempts: 4,
      error: null,
    });
    const ledger = await stack.simulator.ledger({ keyPrefix: `${view.id}:` });
    const police = ledger.filter((e) => e.department === 'police');
    expect(police).toHaveLength(1);
    expect(police[0]).toMatchObject({ requestCount: 4, outcome: 'done' });
    // Every step acted once: one decided ledger entry per step key.
    const keys = ledger.map((e) => e.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(ledger.every((e) => e.outcome === 'done')).toBe(true);
  });

  it('shows a retrying step with its last failure and attempt count', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 1000 });
    const submitted = await stack.submit(newbornRequest());
    const retrying = await stack.waitForApplication(
      submitted.body.id,
      (v) => (stepOf(v, 'householdRegistration')?.attempts ?? 0) >= 3,
    );
    expect(retrying.status).toBe('running');
    expect(stepOf(retrying, 'householdRegistration')).toMatchObject({
      status: 'running',
      error: { code: 'DepartmentUnavailable', attempt: expect.any(Number) },
    });
    expect(stepOf(retrying, 'householdRegistration')?.error?.message).toContain('503');

    await stack.simulator.setBehaviour('police', 'birth-registration', {});
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.status).toBe('completed');
    expect(stepOf(view, 'householdRegistration')?.error).toBeNull();
  });

  it('stops at a police rejection: dependants never called, independent steps go on', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      reject: {
        code: 'HOUSEHOLD_NOT_FOUND',
        reason: '户籍信息不存在 / no household registered for this parent',
      },
    });
    const submitted = await stack.submit(newbornRequest());
    const view = await stack.waitForApplication(submitted.body.id, ended);

    expect(view.status).toBe('rejected');
    expect(stepOf(view, 'householdRegistration')).toMatchObject({
      status: 'rejected',
      attempts: 1,
      error: {
        code: 'DepartmentRejected',
        reasonCode: 'HOUSEHOLD_NOT_FOUND',
        message: '户籍信息不存在 / no household registered for this parent',
      },
    });
    expect(stepOf(view, 'vaccination')?.status).toBe('completed');
    expect(stepOf(view, 'birthCertificate')?.status).toBe('completed');
    for (const dependant of ['medicalInsurance', 'insurancePayment', 'socialSecurityCard']) {
      expect(stepOf(view, dependant)).toMatchObject({
        status: 'skipped',
        error: { code: 'BlockedByDependency' },
      });
    }
    const ledger = await stack.simulator.ledger({ keyPrefix: `${view.id}:` });
    expect(ledger.map((e) => e.department).sort()).toEqual(['cdc', 'health', 'medical-insurance', 'police']);
    expect(ledger.find((e) => e.department === 'medical-insurance')?.service).toBe('maternity-benefit');
    expect(ledger.find((e) => e.department === 'police')).toMatchObject({
      requestCount: 1,
      outcome: 'rejected',
    });
  });

  it('retries an answer that breaks the contract, naming department, service and field, until the department fixes it', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { brokenOutputs: true });
    const submitted = await stack.submit(newbornRequest());
    const retrying = await stack.waitForApplication(
      submitted.body.id,
      (v) => (stepOf(v, 'householdRegistration')?.attempts ?? 0) >= 2,
    );
    expect(retrying.status).toBe('running');
    const police = stepOf(retrying, 'householdRegistration');
    expect(police).toMatchObject({ status: 'running', error: { code: 'DepartmentOutputInvalid' } });
    expect(police?.error?.message).toContain('police/birth-registration');
    expect(police?.error?.message).toContain('field citizenIdNumber');

    await stack.simulator.setBehaviour('police', 'birth-registration', {});
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.status).toBe('completed');
    expect(stepOf(view, 'householdRegistration')).toMatchObject({ status: 'completed', error: null });
    // The broken answers decided nothing: the department acted once, when fixed.
    const ledger = await stack.simulator.ledger({ keyPrefix: `${view.id}:`, department: 'police' });
    expect(ledger).toEqual([expect.objectContaining({ outcome: 'done' })]);
  });

  it('fails the application when a broken answer outlasts the budget, with no hold configured', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { brokenOutputs: true });
    const id = await startNewbornWithSteps(stack, {
      householdRegistration: { callTimeout: '2s', retry: quickRetry('2s') },
    });
    const view = await stack.waitForApplication(id, ended);
    expect(view.status).toBe('failed');
    const police = stepOf(view, 'householdRegistration');
    expect(police).toMatchObject({ status: 'failed', error: { code: 'DepartmentOutputInvalid' } });
    expect(police?.attempts).toBeGreaterThan(1);
    expect(police?.error?.message).toMatch(
      /^retry budget spent: police\/birth-registration .*citizenIdNumber/,
    );
    // Its dependants were never called.
    expect(stepOf(view, 'socialSecurityCard')?.status).toBe('skipped');
  });
});

describe('answers that are not a decision', () => {
  it("retries a gateway's 404 page for as long as it lasts, then completes: never a rejection", async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { gatewayError: { status: 404 } });
    const submitted = await stack.submit(newbornRequest());
    const retrying = await stack.waitForApplication(
      submitted.body.id,
      (v) => (stepOf(v, 'householdRegistration')?.attempts ?? 0) >= 3,
    );
    expect(retrying.status).toBe('running');
    expect(stepOf(retrying, 'householdRegistration')).toMatchObject({
      status: 'running',
      error: { code: 'DepartmentUnavailable' },
    });
    expect(stepOf(retrying, 'householdRegistration')?.error?.message).toContain('police answered 404');

    await stack.simulator.setBehaviour('police', 'birth-registration', {});
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.status).toBe('completed');
    expect(stepOf(view, 'householdRegistration')).toMatchObject({ status: 'completed', error: null });
  });

  it('retries polls answered with a bare 404, then completes once the department decides', async () => {
    const later = { decision: 'poll', decisionDelayMs: 600_000 } as const;
    await stack.simulator.setBehaviour('police', 'birth-registration', later);
    // Polled every 200 ms to 1 s instead of 30 s to 1 h, so the test need not wait.
    const id = await startNewbornWithSteps(stack, {
      householdRegistration: { pollInterval: '200ms', maxPollInterval: '1s' },
    });
    const waiting = await stack.waitForApplication(
      id,
      (v) => stepOf(v, 'householdRegistration')?.status === 'waiting',
    );
    // The accepted case keeps its verdict; only the way to it now answers 404 three times.
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      ...later,
      gatewayError: { status: 404, next: 3 },
    });
    await eventually('three polls answered 404', async () => {
      const polls = await stack.simulator.requests({ keyPrefix: `${id}:householdRegistration` });
      return polls.filter((r) => r.kind === 'poll' && r.status === 404).length >= 3 ? true : undefined;
    });
    expect(stepOf(await stack.getApplication(id), 'householdRegistration')?.status).toBe('waiting');

    const receipt = stepOf(waiting, 'householdRegistration')?.receiptNumber ?? '';
    await stack.simulator.decideNow('police', 'birth-registration', receipt);
    const view = await stack.waitForApplication(id, ended);
    expect(view.status).toBe('completed');
    expect(stepOf(view, 'householdRegistration')).toMatchObject({
      status: 'completed',
      receiptNumber: receipt,
    });
  });

  it.each([400, 409, 422])('retries a bare %i without a code, then completes', async (status) => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { gatewayError: { status, next: 2 } });
    const submitted = await stack.submit(newbornRequest());
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.status).toBe('completed');
    expect(stepOf(view, 'householdRegistration')).toMatchObject({ status: 'completed', attempts: 3 });
    const answered = await stack.simulator.requests({ keyPrefix: `${view.id}:householdRegistration` });
    expect(answered.map((r) => r.status)).toEqual([status, status, 200]);
  });
});

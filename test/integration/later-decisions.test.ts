import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planOf } from '../../bundles/definition.js';
import { newborn } from '../../bundles/newborn.js';
import { insertApplication } from '../../db/applications.js';
import { signRequest } from '../../departments/signing.js';
import type { ApplicationView } from '../../schemas/api.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
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

const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
const waitingOnPolice = (view: ApplicationView) => police(view)?.status === 'waiting';

/** Sends a callback as the police would, signed with its key unless told otherwise. */
async function callback(body: Record<string, unknown>, options: { secret?: string; at?: Date } = {}) {
  const path = '/v1/departments/police/callbacks';
  const text = JSON.stringify(body);
  const key = stack.callbackKeyOf('police');
  const headers = signRequest(
    { keyId: key.keyId, secret: options.secret ?? key.secret },
    { method: 'POST', path, body: text },
    options.at,
  );
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('decisions that come later', () => {
  it('takes a callback that overtakes the workflow (a department deciding at once)', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { decision: 'callback' });
    const submitted = await stack.submit(newbornRequest());
    const done = await stack.waitForApplication(submitted.body.id, ended);
    expect(done.status).toBe('completed');
    expect(police(done)).toMatchObject({
      status: 'completed',
      receiptNumber: expect.stringMatching(/^RCPT-/),
    });
    const callbacks = await stack.simulator.requests({ keyPrefix: `${done.id}:householdRegistration` });
    // A callback that arrives before the call recorded its receipt is answered 409 and sent again;
    // it ends accepted, once.
    const statuses = callbacks.filter((r) => r.kind === 'callback').map((r) => r.status);
    expect(statuses.at(-1)).toBe(200);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    await stack.simulator.setBehaviour('police', 'birth-registration', {});
  });

  it('waits for a callback, showing the receipt, and completes when the decision arrives', async () => {
    // The police decide only when told, so the wait can be seen.
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    const submitted = await stack.submit(newbornRequest());
    const waiting = await stack.waitForApplication(submitted.body.id, waitingOnPolice);
    expect(police(waiting)).toMatchObject({
      status: 'waiting',
      waiting: { reason: 'department-decision', message: 'waiting for police decision' },
      receiptNumber: expect.stringMatching(/^RCPT-/),
    });
    expect(waiting.status).toBe('running');

    await stack.simulator.decideNow('police', 'birth-registration', police(waiting)?.receiptNumber ?? '');
    const done = await stack.waitForApplication(submitted.body.id, ended);
    expect(done.status).toBe('completed');
    expect(police(done)).toMatchObject({
      status: 'completed',
      waiting: null,
      outputs: { citizenIdNumber: expect.any(String) },
    });
    // The departments after police got the citizen ID the callback carried.
    const ledger = await stack.simulator.ledger({
      keyPrefix: `${done.id}:`,
      department: 'hr-social-security',
    });
    expect(ledger[0]?.input).toMatchObject({ citizenIdNumber: police(done)?.outputs?.citizenIdNumber });
    await stack.simulator.setBehaviour('police', 'birth-registration', {});
  });

  it('refuses bad, stale and unexpected callbacks, and takes a repeat as already recorded', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    const submitted = await stack.submit(newbornRequest());
    const waiting = await stack.waitForApplication(submitted.body.id, waitingOnPolice);
    const receiptNumber = police(waiting)?.receiptNumber ?? '';
    const decision = {
      callbackId: randomUUID(),
      idempotencyKey: `${waiting.id}:householdRegistration`,
      receiptNumber,
      outcome: 'rejected',
      reasonCode: 'PARENT_NOT_REGISTERED',
      reason: '父母户籍不在本辖区 / the parent is not registered here',
    };

    expect(await callback(decision, { secret: 'wrong' })).toMatchObject({
      status: 401,
      body: { code: 'CALLBACK_SIGNATURE_INVALID' },
    });
    expect(await callback(decision, { at: new Date(Date.now() - 10 * 60_000) })).toMatchObject({
      status: 401,
      body: { code: 'CALLBACK_STALE' },
    });
    expect(await callback({ ...decision, receiptNumber: 'RCPT-OTHER' })).toMatchObject({ status: 409 });
    expect(
      await callback({ ...decision, idempotencyKey: `${randomUUID()}:householdRegistration` }),
    ).toMatchObject({
      status: 404,
    });
    // A "no" without the department's reason code is not a rejection the protocol knows.
    const { reasonCode: _code, ...withoutCode } = decision;
    expect(await callback({ ...withoutCode, callbackId: randomUUID() })).toMatchObject({
      status: 400,
      body: { code: 'VALIDATION_FAILED', errors: [{ path: 'body.reasonCode' }] },
    });
    expect(await callback({ ...decision, callbackId: randomUUID(), reason: ' ' })).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'body.reason' }] },
    });
    // A request for supplements must list everything missing at once (补正: one notice).
    const { reasonCode: _c, reason: _r, ...undecided } = decision;
    expect(
      await callback({ ...undecided, callbackId: randomUUID(), outcome: 'supplement-required' }),
    ).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', errors: [{ path: 'body.missing' }] } });
    expect(
      await callback({ ...undecided, callbackId: randomUUID(), outcome: 'supplement-required', missing: [] }),
    ).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(police(await stack.getApplication(waiting.id))?.status).toBe('waiting');
    expect(police(await stack.getApplication(waiting.id))?.waiting?.missing).toBeUndefined();

    expect(await callback(decision)).toMatchObject({ status: 200, body: { status: 'recorded' } });
    expect(await callback(decision)).toMatchObject({ status: 200, body: { status: 'already-recorded' } });

    const done = await stack.waitForApplication(waiting.id, ended);
    expect(done.status).toBe('rejected');
    expect(police(done)).toMatchObject({
      status: 'rejected',
      error: { code: 'DepartmentRejected', reasonCode: 'PARENT_NOT_REGISTERED' },
    });
    await stack.simulator.setBehaviour('police', 'birth-registration', {});
  });

  it('polls a department that does not call back, with growing intervals, until it decides', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'poll',
      decisionDelayMs: 600_000,
    });
    // The catalogue polls after 30 s; this application's plan polls sooner, so the test need not wait.
    const plan = planOf(newborn);
    const fastPlan = {
      ...plan,
      steps: plan.steps.map((s) =>
        s.id === 'householdRegistration' ? { ...s, pollInterval: '200ms', maxPollInterval: '1s' } : s,
      ),
    };
    const request = newbornRequest();
    const { row } = await insertApplication(stack.pool, {
      id: randomUUID(),
      bundle: newborn,
      clientId: 'test-portal',
      idempotencyKey: randomUUID(),
      requestHash: 'direct',
    });
    await stack.client.workflow.start('newborn', {
      workflowId: applicationWorkflowId(row.id),
      taskQueue: stack.taskQueue,
      args: [{ applicationId: row.id, plan: fastPlan, applicant: request.applicant, form: request.form }],
    });
    const waiting = await stack.waitForApplication(row.id, waitingOnPolice);
    await stack.simulator.decideNow('police', 'birth-registration', police(waiting)?.receiptNumber ?? '');
    const done = await stack.waitForApplication(row.id, ended);
    expect(done.status).toBe('completed');
    const requests = await stack.simulator.requests({ keyPrefix: `${row.id}:householdRegistration` });
    expect(requests.filter((r) => r.kind === 'poll').length).toBeGreaterThanOrEqual(1);
    await stack.simulator.setBehaviour('police', 'birth-registration', {});
  });
});

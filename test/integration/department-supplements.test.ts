/**
 * A department asks for supplements (补正): the step and the application wait with the list of
 * what is missing, the applicant answers through the portal's supplements endpoint, the answers
 * reach the department's case as round 2 under the call's own idempotency key, and the department
 * decides. Against the real stack and the department simulator, in each way a department answers.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DecisionMode } from '../../departments/simulator/behaviour.js';
import type { ApplicationView } from '../../schemas/api.js';
import { startNewbornWithSteps } from '../support/adjusted-plan.js';
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

const booklet = '户口簿首页 household booklet first page';
const marriage = '父母结婚证 marriage certificate';
const missing = [booklet, marriage];
const answers = { [booklet]: 'material ref M-1', [marriage]: 'marriage e-certificate 330106-2020-001' };
const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
const askedForSupplements = (view: ApplicationView) =>
  view.status === 'waiting' && police(view)?.waiting?.reason === 'applicant-supplement';
const supplement = (id: string, body: unknown) =>
  stack.request<Record<string, unknown>>('POST', `/v1/applications/${id}/supplements`, body);

describe('a department asks for supplements', () => {
  for (const decision of ['instant', 'callback', 'poll'] as DecisionMode[]) {
    it(`waits with the list, sends the answers as round 2 under the call's key, and completes (${decision})`, async () => {
      await stack.simulator.setBehaviour('police', 'birth-registration', {
        decision,
        supplement: { missing },
      });
      // Polled every few hundred milliseconds rather than after the default 30 s.
      const id = await startNewbornWithSteps(stack, {
        householdRegistration: { pollInterval: '200ms', maxPollInterval: '400ms' },
      });
      const waiting = await stack.waitForApplication(id, askedForSupplements);
      expect(police(waiting)).toMatchObject({
        status: 'waiting',
        receiptNumber: expect.stringMatching(/^RCPT-/),
        waiting: { reason: 'applicant-supplement', missing },
      });
      expect(police(waiting)?.waiting?.message).toContain(booklet);

      const accepted = await supplement(waiting.id, { answers });
      expect(accepted.status).toBe(202);
      const done = await stack.waitForApplication(waiting.id, ended);
      expect(done.status).toBe('completed');
      expect(police(done)).toMatchObject({
        status: 'completed',
        outputs: { citizenIdNumber: expect.any(String) },
      });

      const key = `${done.id}:householdRegistration`;
      const sent = (await stack.simulator.requests({ keyPrefix: key })).filter(
        (r) => r.kind === 'supplement',
      );
      expect(sent.map((r) => ({ key: r.idempotencyKey, round: r.round, answers: r.answers }))).toEqual([
        { key, round: 2, answers },
      ]);
      const [ledger] = await stack.simulator.ledger({ keyPrefix: key });
      expect(ledger?.outcome).toBe('done');
    });
  }

  it('refuses a bad supplement body with 400 problem+json, and answers that miss an item with 409', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { supplement: { missing } });
    const submitted = await stack.submit(newbornRequest());
    const waiting = await stack.waitForApplication(submitted.body.id, askedForSupplements);

    const bad = await supplement(waiting.id, { answers: 'everything' });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    expect(bad.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [expect.objectContaining({ path: 'body.answers' })],
    });
    const partial = await supplement(waiting.id, { answers: { [booklet]: 'M-1' } });
    expect(partial.status).toBe(409);
    expect(partial.body).toMatchObject({
      code: 'SUPPLEMENT_REFUSED',
      detail: expect.stringContaining(marriage),
    });

    // Neither reached the department, and the step still waits for the same list.
    const key = `${waiting.id}:householdRegistration`;
    expect(
      (await stack.simulator.requests({ keyPrefix: key })).filter((r) => r.kind === 'supplement'),
    ).toEqual([]);
    expect(police(await stack.getApplication(waiting.id))?.waiting?.missing).toEqual(missing);
    expect((await supplement(waiting.id, { answers })).status).toBe(202);
    expect((await stack.waitForApplication(waiting.id, ended)).status).toBe('completed');
  });

  it('rejects the step when the department rejects the supplemented case', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      supplement: { missing },
      reject: { code: 'HOUSEHOLD_NOT_FOUND', reason: '户口不存在 household not found' },
    });
    const submitted = await stack.submit(newbornRequest());
    const waiting = await stack.waitForApplication(submitted.body.id, askedForSupplements);
    expect((await supplement(waiting.id, { answers })).status).toBe(202);
    const done = await stack.waitForApplication(waiting.id, ended);
    expect(done.status).toBe('rejected');
    expect(police(done)).toMatchObject({
      status: 'rejected',
      error: { code: 'DepartmentRejected', reasonCode: 'HOUSEHOLD_NOT_FOUND' },
    });
  });
});

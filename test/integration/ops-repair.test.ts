import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
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

const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
const retrying = (view: ApplicationView) => (police(view)?.attempts ?? 0) >= 2;
const repair = (
  id: string,
  action: 'retry' | 'skip',
  body: Record<string, unknown>,
  as: 'operator' | 'portal' = 'operator',
) =>
  stack.request<Record<string, unknown>>(
    'POST',
    `/v1/ops/applications/${id}/steps/householdRegistration/${action}`,
    body,
    {},
    as,
  );

interface AuditRows {
  entries: Array<{ action: string; result: string; reason: string | null; stepId: string | null }>;
}

describe('operators repair a step in progress', () => {
  it('repeats the first answer to a retry sent again with its Idempotency-Key, calling once more, not twice', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 1000 });
    const submitted = await stack.submit(newbornRequest());
    await stack.waitForApplication(submitted.body.id, retrying);
    const path = `/v1/ops/applications/${submitted.body.id}/steps/householdRegistration/retry`;
    const keyed = { 'idempotency-key': `retry-${submitted.body.id}` };
    const send = () => stack.request('POST', path, { reason: 'police back' }, keyed, 'operator');
    expect((await send()).status).toBe(202);
    expect((await send()).status).toBe(202);
    // One operator retry: the call in flight is the first retry's, not a second one's.
    const pending = async () =>
      (
        await stack.request<{ pendingCalls: Array<{ activityId: string }> | null }>(
          'GET',
          `/v1/ops/applications/${submitted.body.id}`,
          undefined,
          {},
          'operator',
        )
      ).body.pendingCalls?.map((c) => c.activityId) ?? [];
    const deadline = Date.now() + 20_000;
    while (!(await pending()).includes('householdRegistration-retry-1')) {
      if (Date.now() > deadline)
        throw new Error(`no first retry pending: ${JSON.stringify(await pending())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await pending()).not.toContain('householdRegistration-retry-2');
    await stack.simulator.setBehaviour('police', 'birth-registration', {});
    expect((await stack.waitForApplication(submitted.body.id, ended)).status).toBe('completed');
  });

  it("names the step of a call that retries after an operator's retry, not the retry's activity id", async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 1000 });
    const submitted = await stack.submit(newbornRequest());
    const id = submitted.body.id;
    await stack.waitForApplication(id, retrying);
    expect((await repair(id, 'retry', { reason: 'police said it is back' })).status).toBe(202);
    // The retry's own call fails too and Temporal retries it: just when an operator looks.
    const call = await eventually('the retry retrying', async () => {
      const seen = await stack.request<{
        pendingCalls: Array<{ activityId: string; stepId: string | null; attempt: number }> | null;
      }>('GET', `/v1/ops/applications/${id}`, undefined, {}, 'operator');
      return seen.body.pendingCalls?.find(
        (c) => c.activityId === 'householdRegistration-retry-1' && c.attempt >= 2,
      );
    });
    expect(call.stepId).toBe('householdRegistration');
    await stack.simulator.setBehaviour('police', 'birth-registration', {});
    expect((await stack.waitForApplication(id, ended)).status).toBe('completed');
  });

  it('retries the department call now, with a reason in the audit log', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 1000 });
    const submitted = await stack.submit(newbornRequest());
    await stack.waitForApplication(submitted.body.id, retrying);
    await stack.simulator.setBehaviour('police', 'birth-registration', {});

    expect((await repair(submitted.body.id, 'retry', {}, 'operator')).status).toBe(400);
    expect((await repair(submitted.body.id, 'retry', { reason: 'x' }, 'portal')).status).toBe(403);
    const retried = await repair(submitted.body.id, 'retry', {
      reason: '公安系统已恢复 / police system back',
    });
    expect(retried.status).toBe(202);

    const done = await stack.waitForApplication(submitted.body.id, ended);
    expect(done.status).toBe('completed');
    expect(police(done)?.status).toBe('completed');
    // One side effect at the police, however often the call was made.
    const ledger = await stack.simulator.ledger({ keyPrefix: `${done.id}:householdRegistration` });
    expect(ledger).toHaveLength(1);
    const audit = await stack.request<AuditRows>(
      'GET',
      `/v1/ops/audit?applicationId=${done.id}`,
      undefined,
      {},
      'operator',
    );
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({
        action: 'step.retry',
        result: 'ok',
        reason: '公安系统已恢复 / police system back',
      }),
    );
    // A step that has ended cannot be repaired; the refusal is audited too.
    const late = await repair(done.id, 'retry', { reason: 'again' });
    expect(late.status).toBe(409);
    const after = await stack.request<AuditRows>(
      'GET',
      `/v1/ops/audit?applicationId=${done.id}`,
      undefined,
      {},
      'operator',
    );
    expect(after.body.entries).toContainEqual(
      expect.objectContaining({ action: 'step.retry', result: 'STEP_NOT_REPAIRABLE' }),
    );
  });

  it('skips a step, entering validated outputs that its dependants then receive', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 1000 });
    const submitted = await stack.submit(newbornRequest());
    await stack.waitForApplication(submitted.body.id, retrying);

    const invalid = await repair(submitted.body.id, 'skip', {
      reason: 'outage',
      outputs: { citizenIdNumber: '123' },
    });
    expect(invalid.status).toBe(400);
    const outputs = {
      citizenIdNumber: '330106202611201234'.slice(0, 17) + 'X',
      householdPage: 'HB-MANUAL-1',
    };
    // A valid check digit for the entered number.
    const { citizenIdCheckDigit } = await import('../../schemas/fields.js');
    outputs.citizenIdNumber =
      outputs.citizenIdNumber.slice(0, 17) + citizenIdCheckDigit(outputs.citizenIdNumber.slice(0, 17));
    const skipped = await repair(submitted.body.id, 'skip', {
      reason: '派出所线下办理 / registered at the counter',
      outputs,
    });
    expect(skipped.status).toBe(202);

    const done = await stack.waitForApplication(submitted.body.id, ended);
    expect(done.status).toBe('completed');
    expect(police(done)).toMatchObject({
      status: 'skipped',
      outputs,
      error: { code: 'SkippedByOperator', message: expect.stringContaining('registered at the counter') },
    });
    const card = await stack.simulator.ledger({ keyPrefix: `${done.id}:socialSecurityCard` });
    expect(card[0]?.input).toMatchObject({ citizenIdNumber: outputs.citizenIdNumber });
  });
});

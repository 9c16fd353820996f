import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
import type { BulkActionView } from '../../schemas/bulk-actions.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestRole, TestStack } from '../support/stack.js';

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

type Item = NonNullable<BulkActionView['items']>[number];
interface AuditRows {
  entries: Array<{
    action: string;
    result: string;
    reason: string | null;
    applicationId: string | null;
    stepId: string | null;
    target: string | null;
    actor: { keyId: string; name: string };
    detail: Record<string, unknown>;
  }>;
}

const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
const failingPolice = () =>
  stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 100_000 });

/** A retry of every police step, one a second: slow enough to act on the job while it runs. */
const slowPoliceRetry = {
  action: 'retry',
  reason: 'police back',
  filter: { department: 'police' },
  ratePerSecond: 1,
};
const startBulk = (body: unknown, as: TestRole = 'operator') =>
  stack.request<BulkActionView>('POST', '/v1/ops/bulk-actions', body, {}, as);
const bulkAction = (id: string, query = '', as: TestRole = 'operator') =>
  stack.request<BulkActionView>('GET', `/v1/ops/bulk-actions/${id}${query}`, undefined, {}, as);
const cancelBulk = (id: string, body: unknown, as: TestRole = 'operator') =>
  stack.request<BulkActionView>('POST', `/v1/ops/bulk-actions/${id}/cancel`, body, {}, as);

/** Polls the job's progress until `done` holds, at most `timeoutMs`; fails with the last view seen. */
async function waitForBulk(id: string, done: (view: BulkActionView) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = (await bulkAction(id, '?itemsLimit=500')).body;
    if (done(view)) return view;
    if (Date.now() > deadline)
      throw new Error(`bulk action ${id} did not get there: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Submits `count` applications and waits until each one's police call was made `attempts` times. */
async function stuckAtPolice(count: number, stuck: (view: ApplicationView) => boolean): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await stack.submit(newbornRequest())).body.id);
  for (const id of ids) await stack.waitForApplication(id, stuck);
  return ids;
}
const retriedAtLeast = (attempts: number) => (view: ApplicationView) =>
  (police(view)?.attempts ?? 0) >= attempts;
const waitingOnPolice = (view: ApplicationView) => police(view)?.waiting?.reason === 'department-decision';

async function auditOf(bulkActionId: string, action: string): Promise<AuditRows['entries']> {
  const audit = await stack.request<AuditRows>(
    'GET',
    `/v1/ops/audit?action=${action}&limit=100`,
    undefined,
    {},
    'operator',
  );
  expect(audit.status).toBe(200);
  return audit.body.entries.filter((e) => e.detail.bulkActionId === bulkActionId);
}

/** Ends the applications a test left in progress, so the next test's filter does not match them. */
async function withdrawAll(ids: readonly string[]) {
  for (const id of ids) {
    const view = await stack.getApplication(id);
    if (!ended(view)) {
      await stack.request('POST', `/v1/applications/${id}/withdraw`, { reason: 'test over' });
    }
    await stack.waitForApplication(id, ended);
  }
}

describe('bulk actions: requests', () => {
  it('refuses a bad filter, other roles, unknown jobs and a filter that matches nothing', async () => {
    const bad = await startBulk({ action: 'retry', reason: 'outage', filter: { stuck: 'sleeping' } });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    expect(bad.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [expect.objectContaining({ path: expect.stringContaining('body.filter.stuck') })],
    });
    for (const body of [
      { action: 'retry', reason: 'outage', filter: { departmentt: 'police' } },
      { action: 'retry', reason: 'outage', filter: { retryingLongerThan: 'ten minutes' } },
      { action: 'retry', reason: 'outage', filter: { stuckSince: 'yesterday' } },
      { action: 'skip', reason: 'outage', filter: {} },
      { action: 'retry', reason: ' ', filter: {} },
      { action: 'retry', reason: 'outage', filter: {}, ratePerSecond: 51 },
      { action: 'retry', reason: 'outage' },
    ]) {
      const refused = await startBulk(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }

    const body = { action: 'retry', reason: 'outage', filter: { department: 'police' } };
    expect((await startBulk(body, 'portal')).status).toBe(403);
    expect((await startBulk(body, 'policeClerk')).status).toBe(403);
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const result of [
      await stack.request('GET', '/v1/ops/bulk-actions', undefined, {}, 'portal'),
      await bulkAction(unknown, '', 'portal'),
      await cancelBulk(unknown, { reason: 'stop' }, 'portal'),
    ]) {
      expect(result.status).toBe(403);
    }
    expect((await bulkAction(unknown)).body).toMatchObject({ status: 404, code: 'BULK_ACTION_NOT_FOUND' });
    expect((await cancelBulk(unknown, { reason: 'stop' })).status).toBe(404);

    const nothing = await startBulk({ ...body, filter: { bundle: 'no-such-bundle' } });
    expect(nothing.status).toBe(422);
    expect(nothing.body).toMatchObject({ code: 'BULK_FILTER_MATCHES_NOTHING' });
  });
});

describe('bulk actions: retry every application matching a filter', () => {
  it('retries each police step once, with progress, and the applications complete', async () => {
    await failingPolice();
    // Four failed attempts: the next one is seconds away, so the bulk retry is what calls again.
    const ids = await stuckAtPolice(3, retriedAtLeast(4));

    const response = await fetch(`${stack.apiUrl}/v1/ops/bulk-actions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.keys.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        action: 'retry',
        reason: '公安系统已恢复 / police back after the outage',
        filter: { department: 'police', stuck: ['retrying'] },
        ratePerSecond: 5,
      }),
    });
    expect(response.status).toBe(202);
    const started = (await response.json()) as BulkActionView;
    expect(response.headers.get('location')).toBe(`/v1/ops/bulk-actions/${started.id}`);
    expect(started).toMatchObject({
      action: 'retry',
      state: 'running',
      total: 3,
      done: 0,
      pending: 3,
      ratePerSecond: 5,
      filter: { department: 'police', stuck: ['retrying'] },
      startedBy: { role: 'operator', name: 'operator' },
      cancel: null,
      finishedAt: null,
    });
    await stack.simulator.setBehaviour('police', 'birth-registration', {});

    const finished = await waitForBulk(started.id, (v) => v.state !== 'running');
    expect(finished).toMatchObject({
      state: 'completed',
      total: 3,
      done: 3,
      refused: 0,
      failed: 0,
      pending: 0,
    });
    expect(finished.finishedAt).toEqual(expect.any(String));
    expect(new Set(finished.items?.map((i) => i.applicationId))).toEqual(new Set(ids));
    for (const item of finished.items ?? []) {
      expect(item).toMatchObject({ stepId: 'householdRegistration', department: 'police', state: 'done' });
      expect(item.sentAt).toEqual(expect.any(String));
    }
    for (const id of ids) {
      const done = await stack.waitForApplication(id, ended);
      expect(done.status).toBe('completed');
      // One side effect at the police, however often the call was made.
      expect(await stack.simulator.ledger({ keyPrefix: `${id}:householdRegistration` })).toHaveLength(1);
    }

    const entries = await auditOf(started.id, 'bulk.retry');
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      expect(entry).toMatchObject({
        result: 'ok',
        reason: '公安系统已恢复 / police back after the outage',
        stepId: 'householdRegistration',
        target: started.id,
        actor: { name: 'operator' },
      });
    }
    expect(new Set(entries.map((e) => e.applicationId))).toEqual(new Set(ids));
    expect(await auditOf(started.id, 'bulk.start')).toEqual([
      expect.objectContaining({
        result: 'ok',
        detail: expect.objectContaining({ total: 3, action: 'retry' }),
      }),
    ]);

    const list = await stack.request<{ bulkActions: BulkActionView[] }>(
      'GET',
      '/v1/ops/bulk-actions',
      undefined,
      {},
      'operator',
    );
    expect(list.status).toBe(200);
    expect(list.body.bulkActions[0]).toMatchObject({ id: started.id, state: 'completed', done: 3 });
    // The same progress on the command line.
    const cli = await promisify(execFile)('npx', ['tsx', 'scripts/ops.ts', 'bulk-status', started.id], {
      env: { ...process.env, ONETHING_API_URL: stack.apiUrl, ONETHING_API_KEY: stack.keys.operator },
    });
    expect(cli.stdout).toContain(`${started.id}  bulk retry  completed`);
    expect(cli.stdout).toContain('total 3: done 3, refused 0, failed 0, pending 0');
    // A finished job cannot be cancelled.
    expect((await cancelBulk(started.id, { reason: 'too late' })).body).toMatchObject({
      status: 409,
      code: 'BULK_ACTION_ENDED',
    });
  });

  it('keeps to the rate, and refuses (not fails) a step that is no longer repairable', async () => {
    await failingPolice();
    const ids = await stuckAtPolice(5, retriedAtLeast(2));

    const started = await startBulk({
      action: 'retry',
      reason: 'police back',
      filter: { department: 'police', stepId: 'householdRegistration' },
      ratePerSecond: 2,
    });
    expect(started.status).toBe(202);
    expect(started.body.total).toBe(5);
    // The last item is reached two seconds after the first at the earliest: its application is
    // withdrawn meanwhile, so its step is no longer in progress.
    const items = (await bulkAction(started.body.id)).body.items ?? [];
    const last = items.at(-1) as Item;
    const withdrawn = await stack.request('POST', `/v1/applications/${last.applicationId}/withdraw`, {
      reason: 'applied at the counter instead',
    });
    expect(withdrawn.status).toBe(202);

    const finished = await waitForBulk(started.body.id, (v) => v.state !== 'running');
    expect(finished).toMatchObject({
      state: 'completed',
      total: 5,
      done: 4,
      refused: 1,
      failed: 0,
      pending: 0,
    });
    const refused = finished.items?.find((i) => i.state === 'refused');
    expect(refused?.applicationId).toBe(last.applicationId);
    expect(refused?.result).toMatch(/not in progress|has ended/);

    // At most two repairs in any one second, by the times the activity recorded.
    const sent = (finished.items ?? []).map((i) => Date.parse(i.sentAt ?? '')).sort((a, b) => a - b);
    expect(sent.every(Number.isFinite)).toBe(true);
    for (const at of sent) expect(sent.filter((t) => t >= at && t < at + 1000).length).toBeLessThanOrEqual(2);
    expect((sent.at(-1) ?? 0) - (sent[0] ?? 0)).toBeGreaterThanOrEqual(2000);

    const entries = await auditOf(started.body.id, 'bulk.retry');
    expect(entries).toHaveLength(5);
    expect(entries.find((e) => e.applicationId === last.applicationId)).toMatchObject({
      result: 'STEP_NOT_REPAIRABLE',
      detail: { message: refused?.result },
    });

    await stack.simulator.setBehaviour('police', 'birth-registration', {});
    for (const id of ids) await stack.waitForApplication(id, ended);
  });

  it('stops when cancelled, leaving the items not reached pending', async () => {
    await failingPolice();
    const ids = await stuckAtPolice(4, retriedAtLeast(2));

    const started = await startBulk(slowPoliceRetry);
    expect(started.status).toBe(202);
    const cancelled = await cancelBulk(started.body.id, { reason: '公安又断了 / police down again' });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.cancel).toMatchObject({
      reason: '公安又断了 / police down again',
      by: expect.stringContaining('operator'),
    });
    expect((await cancelBulk(started.body.id, { reason: 'twice' })).status).toBe(409);
    expect((await cancelBulk(started.body.id, {})).status).toBe(400);

    const finished = await waitForBulk(started.body.id, (v) => v.state !== 'running');
    expect(finished.state).toBe('cancelled');
    expect(finished.total).toBe(4);
    expect(finished.pending).toBeGreaterThan(0);
    expect(finished.done + finished.refused + finished.failed + finished.pending).toBe(4);
    for (const item of finished.items ?? []) {
      if (item.state === 'pending') expect(item.sentAt).toBeNull();
    }
    const outcome: unknown = await stack.client.workflow.getHandle(finished.workflowId).result();
    expect(outcome).toEqual({ state: 'cancelled' });
    expect(await auditOf(started.body.id, 'bulk.retry')).toHaveLength(finished.done + finished.refused);
    // Newest first.
    expect(await auditOf(started.body.id, 'bulk.cancel')).toEqual([
      expect.objectContaining({ result: 'BULK_ACTION_ENDED', reason: 'twice' }),
      expect.objectContaining({ result: 'ok', reason: '公安又断了 / police down again' }),
    ]);

    await withdrawAll(ids);
  });
});

describe('bulk actions: an Idempotency-Key starts a job once', () => {
  it('answers repeats, even concurrent ones, with the one job, and refuses the key with another body', async () => {
    await failingPolice();
    const ids = await stuckAtPolice(1, retriedAtLeast(2));
    const body = slowPoliceRetry;
    const headers = { 'idempotency-key': `bulk-${ids[0]}` };
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        stack.request<BulkActionView>('POST', '/v1/ops/bulk-actions', body, headers, 'operator'),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 202]);
    const jobIds = new Set(answers.map((a) => a.body.id));
    expect(jobIds.size).toBe(1);
    const [jobId] = [...jobIds] as [string];
    expect(await auditOf(jobId, 'bulk.start')).toHaveLength(1);

    const other = await stack.request<{ code: string }>(
      'POST',
      '/v1/ops/bulk-actions',
      { ...body, reason: 'another job' },
      headers,
      'operator',
    );
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    // Another operator's same key is their own (the police's operator, whose department it is).
    const police = await stack.request<BulkActionView>(
      'POST',
      '/v1/ops/bulk-actions',
      body,
      headers,
      'policeOperator',
    );
    expect(police.status).toBe(202);
    expect(police.body.id).not.toBe(jobId);

    for (const id of [jobId, police.body.id]) {
      await cancelBulk(id, { reason: 'test over' });
      await waitForBulk(id, (v) => v.state !== 'running');
    }
    await withdrawAll(ids);
  });
});

describe('bulk actions: a job whose workflow was terminated', () => {
  it('shows it stopped, with why, instead of running for ever', async () => {
    await failingPolice();
    const ids = await stuckAtPolice(2, retriedAtLeast(2));
    const started = await startBulk(slowPoliceRetry);
    expect(started.status).toBe(202);
    await stack.client.workflow
      .getHandle(started.body.workflowId)
      .terminate('an operator ended it in the Temporal UI');
    const seen = await bulkAction(started.body.id);
    expect(seen.body).toMatchObject({
      state: 'stopped',
      stoppedReason: 'its workflow was terminated before finishing',
      finishedAt: expect.any(String),
    });
    // The list shows the state recorded.
    const list = await stack.request<{ bulkActions: BulkActionView[] }>(
      'GET',
      '/v1/ops/bulk-actions',
      undefined,
      {},
      'operator',
    );
    expect(list.body.bulkActions.find((j) => j.id === started.body.id)?.state).toBe('stopped');
    await withdrawAll(ids);
  });
});

describe('bulk actions: re-send to a department after an outage', () => {
  it('re-submits steps waiting for the police decision, and refuses one that waits for nothing', async () => {
    // The police accept and decide only when told: the steps wait for their decision.
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'callback',
      decisionDelayMs: 600_000,
    });
    const waiting = await stuckAtPolice(2, waitingOnPolice);
    await failingPolice();
    const [retrying] = await stuckAtPolice(1, retriedAtLeast(2));
    if (!retrying) throw new Error('no retrying application');
    const submitsBefore = async (id: string) =>
      (await stack.simulator.requests({ keyPrefix: `${id}:householdRegistration` })).filter(
        (r) => r.kind === 'submit',
      ).length;
    // Still failing, so the retrying step stays retrying, and the re-sent ones retry too.
    const before = await Promise.all(waiting.map(submitsBefore));

    const started = await startBulk({
      action: 'resend',
      reason: '公安丢失了停机期间的受理 / police lost the cases taken during the outage',
      filter: { department: 'police', stuck: ['waiting-department', 'retrying'] },
      ratePerSecond: 10,
    });
    expect(started.status).toBe(202);
    expect(started.body.total).toBe(3);

    const finished = await waitForBulk(started.body.id, (v) => v.state !== 'running');
    expect(finished).toMatchObject({ state: 'completed', total: 3, done: 2, refused: 1, failed: 0 });
    const refused = finished.items?.find((i) => i.state === 'refused');
    expect(refused?.applicationId).toBe(retrying);
    expect(refused?.result).toMatch(/not waiting for a department decision/);
    // Each waiting step was submitted to the police again.
    for (const [i, id] of waiting.entries()) {
      const deadline = Date.now() + 30_000;
      while ((await submitsBefore(id)) <= (before[i] ?? 0)) {
        if (Date.now() > deadline) throw new Error(`${id} was not submitted again`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    const entries = await auditOf(started.body.id, 'bulk.resend');
    expect(entries.map((e) => e.result).sort()).toEqual(['STEP_NOT_REPAIRABLE', 'ok', 'ok']);

    await withdrawAll([...waiting, retrying]);
  });
});

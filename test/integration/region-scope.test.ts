import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../api/auth/api-keys.js';
import type { ApplicationView } from '../../schemas/api.js';
import type { BulkActionView } from '../../schemas/bulk-actions.js';
import { newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

// Two districts of Hangzhou (行政区划代码): Xihu and Binjiang, and the city above both.
const xihu = '330106';
const binjiang = '330108';

let stack: TestStack;
/** An operator of every department, in Xihu only. */
let xihuKey: string;
/** An operator of the police, in Binjiang only: both scopes at once. */
let binjiangPoliceKey: string;
/** An operator of the whole city: both districts lie under it. */
let hangzhouKey: string;
let inXihu: string;
let inBinjiang: string;

const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
const retried = (view: ApplicationView) => (police(view)?.attempts ?? 0) >= 2;

beforeAll(async () => {
  stack = await startTestStack();
  const operatorKey = async (name: string, scope: string | null, region: string) =>
    (await createApiKey(stack.pool, { name, role: 'operator', scope, region })).secret;
  xihuKey = await operatorKey('西湖区值班', null, xihu);
  binjiangPoliceKey = await operatorKey('滨江公安值班', 'police', binjiang);
  hangzhouKey = await operatorKey('杭州市值班', null, '330100');
  // Both stuck at the police, retrying: in every operator's stuck list who may see them.
  await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 100_000 });
  inXihu = (await stack.submit({ ...newbornRequest(), region: xihu })).body.id;
  inBinjiang = (await stack.submit({ ...newbornRequest(), region: binjiang })).body.id;
  await stack.waitForApplication(inXihu, retried);
  await stack.waitForApplication(inBinjiang, retried);
});
afterAll(async () => {
  await stack?.close();
});

type Problem = { code?: string };
const as = <T = Problem>(key: string, method: string, path: string, body?: unknown) =>
  stack.request<T>(method, path, body, { authorization: `Bearer ${key}` }, null);
const stuckIds = async (key: string, query = '') => {
  const list = await as<{ applications: Array<{ id: string }> }>(
    key,
    'GET',
    `/v1/ops/applications?stuck=retrying${query}`,
  );
  expect(list.status).toBe(200);
  return list.body.applications.map((a) => a.id);
};

describe('the region of an application', () => {
  it('is what the portal sent, a 6-digit division code; 000000 (not stated) without one', async () => {
    const view = await stack.getApplication(inXihu);
    expect(view.region).toBe(xihu);
    const unstated = await stack.submit(newbornRequest());
    expect(unstated.body.region).toBe('000000');
    for (const region of ['33010', '330106001', '000000', 'Xihu']) {
      const refused = await stack.submit({ ...newbornRequest(), region });
      expect([refused.status, (refused.body as Problem).code], region).toEqual([400, 'VALIDATION_FAILED']);
    }
  });
});

describe('operators scoped to a region', () => {
  it('see only their region in the stuck list and in application views', async () => {
    const ofXihu = await stuckIds(xihuKey);
    expect(ofXihu).toContain(inXihu);
    expect(ofXihu).not.toContain(inBinjiang);
    const ofBinjiang = await stuckIds(binjiangPoliceKey);
    expect(ofBinjiang).toContain(inBinjiang);
    expect(ofBinjiang).not.toContain(inXihu);
    const ofCity = await stuckIds(hangzhouKey);
    expect(ofCity).toEqual(expect.arrayContaining([inXihu, inBinjiang]));
    // Narrowing within its scope is fine; reaching out of it is refused.
    expect(await stuckIds(hangzhouKey, `&region=${binjiang}`)).not.toContain(inXihu);
    const outside = await as(xihuKey, 'GET', `/v1/ops/applications?region=${binjiang}`);
    expect([outside.status, outside.body.code]).toEqual([403, 'OUT_OF_SCOPE']);

    const own = await as<ApplicationView>(xihuKey, 'GET', `/v1/ops/applications/${inXihu}`);
    expect(own.status).toBe(200);
    for (const path of [`/v1/applications/${inBinjiang}`, `/v1/ops/applications/${inBinjiang}`]) {
      const hidden = await as(xihuKey, 'GET', path);
      expect([hidden.status, hidden.body.code], path).toEqual([404, 'APPLICATION_NOT_FOUND']);
    }
    // Both scopes at once: Binjiang's application, and only its police step.
    const both = await as<ApplicationView>(binjiangPoliceKey, 'GET', `/v1/applications/${inBinjiang}`);
    expect(both.body.steps.map((s) => s.department)).toEqual(['police']);
    const notHers = await as(binjiangPoliceKey, 'GET', `/v1/applications/${inXihu}/access-log`);
    expect(notHers.status).toBe(404);
  });

  it('repair, bulk-repair and withdraw only in their region, and every refusal is audited', async () => {
    const retryOther = await as(
      xihuKey,
      'POST',
      `/v1/ops/applications/${inBinjiang}/steps/householdRegistration/retry`,
      {
        reason: 'not my district',
      },
    );
    expect([retryOther.status, retryOther.body.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const withdrawOther = await as(xihuKey, 'POST', `/v1/ops/applications/${inBinjiang}/withdraw`, {
      reason: 'not my district',
    });
    expect([withdrawOther.status, withdrawOther.body.code]).toEqual([403, 'OUT_OF_SCOPE']);
    const pause = await as(xihuKey, 'POST', '/v1/ops/departments/police/pause', { reason: 'every region' });
    expect([pause.status, pause.body.code]).toEqual([403, 'OUT_OF_SCOPE']);

    // A bulk retry of the police, started in Xihu, takes Xihu's step and not Binjiang's.
    const started = await as<BulkActionView>(xihuKey, 'POST', '/v1/ops/bulk-actions', {
      action: 'retry',
      reason: 'police back in Xihu',
      filter: { department: 'police' },
    });
    expect(started.status).toBe(202);
    expect(started.body.filter.region).toBe(xihu);
    const job = await as<BulkActionView>(
      xihuKey,
      'GET',
      `/v1/ops/bulk-actions/${started.body.id}?itemsLimit=100`,
    );
    expect(job.body.items?.map((i) => i.applicationId)).toEqual([inXihu]);
    const hiddenJob = await as(binjiangPoliceKey, 'GET', `/v1/ops/bulk-actions/${started.body.id}`);
    expect([hiddenJob.status, hiddenJob.body.code]).toEqual([404, 'BULK_ACTION_NOT_FOUND']);
    const listed = await as<{ bulkActions: Array<{ id: string }> }>(
      binjiangPoliceKey,
      'GET',
      '/v1/ops/bulk-actions',
    );
    expect(listed.body.bulkActions.map((b) => b.id)).not.toContain(started.body.id);

    // A newer job in Binjiang: Xihu's first page of one still holds Xihu's job (scope before paging).
    const newer = await as<BulkActionView>(hangzhouKey, 'POST', '/v1/ops/bulk-actions', {
      action: 'retry',
      reason: 'police back in Binjiang',
      filter: { department: 'police', region: binjiang },
    });
    expect(newer.status).toBe(202);
    const firstPage = await as<{ bulkActions: Array<{ id: string }> }>(
      xihuKey,
      'GET',
      '/v1/ops/bulk-actions?limit=1',
    );
    expect(firstPage.body.bulkActions.map((b) => b.id)).toEqual([started.body.id]);

    const withdrawn = await as(xihuKey, 'POST', `/v1/ops/applications/${inXihu}/withdraw`, {
      reason: 'applicant asked',
    });
    expect(withdrawn.status).toBe(202);

    const { rows } = await stack.pool.query<{ action: string; result: string; target: string | null }>(
      `SELECT a.action, a.result, a.target FROM audit_log a JOIN api_keys k ON k.id = a.actor_key
       WHERE k.name = $1 AND a.result <> 'ok' ORDER BY a.id`,
      ['西湖区值班'],
    );
    // The refused retry, withdrawal, pause, list and the hidden reads: each has its entry.
    expect(rows.filter((r) => r.result === 'OUT_OF_SCOPE').length).toBeGreaterThanOrEqual(4);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          result: 'OUT_OF_SCOPE',
          target: `POST /v1/ops/applications/${inBinjiang}/steps/householdRegistration/retry`,
        }),
        expect.objectContaining({ action: 'application.withdraw', result: 'OUT_OF_SCOPE' }),
        expect.objectContaining({ result: 'OUT_OF_SCOPE', target: 'POST /v1/ops/departments/police/pause' }),
        expect.objectContaining({
          result: 'APPLICATION_NOT_FOUND',
          target: `GET /v1/applications/${inBinjiang}`,
        }),
      ]),
    );
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../api/auth/api-keys.js';
import type { TaskSummary } from '../../schemas/work-list.js';
import { newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

// The work list of an operator confined to one district (行政区划代码): this deployment's clerks
// decide birth certificates, so each application opens a task.
const xihu = '330106';
const binjiang = '330108';

let stack: TestStack;
let xihuKey: string;
let hangzhouKey: string;
let inXihu: TaskSummary;
let inBinjiang: TaskSummary;

beforeAll(async () => {
  stack = await startTestStack({ stepDeciders: new Map([['newborn.birthCertificate', 'worklist']]) });
  const operatorKey = async (name: string, region: string) =>
    (await createApiKey(stack.pool, { name, role: 'operator', scope: null, region })).secret;
  xihuKey = await operatorKey('西湖区值班', xihu);
  hangzhouKey = await operatorKey('杭州市值班', '330100');
  const xihuApplication = (await stack.submit({ ...newbornRequest(), region: xihu })).body.id;
  const binjiangApplication = (await stack.submit({ ...newbornRequest(), region: binjiang })).body.id;
  inXihu = await stack.waitForOpenTask(xihuApplication, 'healthClerk');
  inBinjiang = await stack.waitForOpenTask(binjiangApplication, 'healthClerk');
});
afterAll(async () => {
  await stack?.close();
});

const as = <T = { code?: string }>(key: string, method: string, path: string, body?: unknown) =>
  stack.request<T>(method, path, body, { authorization: `Bearer ${key}` }, null);
const listed = async (key: string) => {
  const list = await as<{ tasks: TaskSummary[] }>(key, 'GET', '/v1/tasks?department=health');
  expect(list.status).toBe(200);
  return list.body.tasks.map((t) => t.id);
};

describe("a region-scoped operator's work list", () => {
  it('lists, opens, escalates and reassigns only the tasks of its region', async () => {
    const ofXihu = await listed(xihuKey);
    expect(ofXihu).toContain(inXihu.id);
    expect(ofXihu).not.toContain(inBinjiang.id);
    // The city sees both districts under it.
    expect(await listed(hangzhouKey)).toEqual(expect.arrayContaining([inXihu.id, inBinjiang.id]));

    expect((await as(xihuKey, 'GET', `/v1/tasks/${inXihu.id}`)).status).toBe(200);
    const foreign = await as(xihuKey, 'GET', `/v1/tasks/${inBinjiang.id}`);
    expect([403, 404]).toContain(foreign.status);
    const escalate = await as(xihuKey, 'POST', `/v1/ops/tasks/${inBinjiang.id}/escalate`, {
      reason: 'not its region',
    });
    expect([403, 404]).toContain(escalate.status);

    // The refused reads and moves are in the audit log; the task it may not see was not touched.
    const refusals = await stack.pool.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE actor_name = '西湖区值班' AND result <> 'ok'",
    );
    expect(refusals.rows.length).toBeGreaterThanOrEqual(1);
    const untouched = await as<TaskSummary>(hangzhouKey, 'GET', `/v1/tasks/${inBinjiang.id}`);
    expect(untouched.body).toMatchObject({ status: 'open' });
  });
});

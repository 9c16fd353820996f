import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
import type { OpsRatings, RatingView } from '../../schemas/ratings.js';
import type { TaskDetail, TaskSummary } from '../../schemas/work-list.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestRole, TestStack } from '../support/stack.js';
import { eraseApplication } from '../../db/retention.js';
import { scanTablesForClearText } from '../support/table-scan.js';

type Problem = { code: string; detail?: string; errors?: Array<{ path: string; message: string }> };
interface OpsList {
  applications: Array<{ id: string; reasons: Array<{ code: string; stepId: string; message: string }> }>;
}

let stack: TestStack;
/** Rated once with a 差评 of the police's item, which the police then answer. */
let ratedId: string;
/** Rated 1 star as a whole, no item: every department that handled an item follows it up. */
let badServiceId: string;

// The citizen's words, with an ID number in them as citizens write: neither may reach a log or a
// table in clear (the run's log scan fails on the number too).
const policeComment = '派出所窗口让我跑了三趟 身份证110101199003074514';
const overallComment = '整体还行-ratings-test';

const as = <T = Problem>(role: TestRole, method: string, path: string, body?: unknown) =>
  stack.request<T>(method, path, body, {}, role);

const rate = <T = RatingView & Problem>(id: string, body: unknown, role: TestRole = 'portal') =>
  as<T>(role, 'POST', `/v1/applications/${id}/rating`, body);

/** The rectification tasks a department's clerk sees in its supervisor queue. */
async function rectificationsOf(applicationId: string, clerk: TestRole): Promise<TaskSummary[]> {
  const list = await as<{ tasks: TaskSummary[] }>(clerk, 'GET', '/v1/tasks?queue=supervisor&limit=100');
  expect(list.status).toBe(200);
  return list.body.tasks.filter((t) => t.applicationId === applicationId && t.rectification);
}

beforeAll(async () => {
  stack = await startTestStack();
  const ids: string[] = [];
  // Without the maternity benefit: an item no department handled, which cannot be rated.
  const request = newbornRequest({ form: { optIns: { maternityBenefit: false } } });
  for (let i = 0; i < 2; i++) ids.push((await stack.submit(request)).body.id);
  for (const id of ids) await stack.waitForApplication(id, ended);
  [ratedId = '', badServiceId = ''] = ids;
});
afterAll(async () => {
  await stack?.simulator.setBehaviour('police', 'birth-registration', {}).catch(() => undefined);
  await stack?.close();
});

describe('rating an application (好差评)', () => {
  it('refuses a rating before the application has ended, and stores nothing', async () => {
    // The police decide later and do not call back within the test: the application waits.
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'callback',
      decisionDelayMs: 86_400_000,
    });
    const waiting = (await stack.submit(newbornRequest())).body.id;
    await stack.waitForApplication(waiting, (v) =>
      v.steps.some((s) => s.id === 'householdRegistration' && s.status === 'waiting'),
    );
    const early = await rate(waiting, { overall: { stars: 5 } });
    expect(early.status).toBe(409);
    expect(early.contentType).toContain('application/problem+json');
    expect(early.body.code).toBe('APPLICATION_NOT_ENDED');
    expect((await stack.getApplication(waiting)).rating).toBeNull();
  });

  it('refuses a bad rating, naming what is wrong, and stores nothing', async () => {
    const bad: Array<[unknown, string]> = [
      [{ overall: { stars: 0 } }, 'body.overall.stars'],
      [{ overall: { stars: 6 } }, 'body.overall.stars'],
      [{ overall: { stars: 4.5 } }, 'body.overall.stars'],
      [{ overall: { stars: '5' } }, 'body.overall.stars'],
      [{ items: [] }, 'body.overall'],
      [{ overall: { stars: 5, comment: 'x'.repeat(1001) } }, 'body.overall.comment'],
      [{ overall: { stars: 5 }, extra: true }, 'body'],
      [{ overall: { stars: 5 }, items: [{ stepId: 'noSuchStep', stars: 3 }] }, 'body.items.0.stepId'],
      // The applicant did not opt in to the maternity benefit: no department handled it.
      [{ overall: { stars: 5 }, items: [{ stepId: 'maternityBenefit', stars: 3 }] }, 'body.items.0.stepId'],
      [
        {
          overall: { stars: 5 },
          items: [
            { stepId: 'householdRegistration', stars: 3 },
            { stepId: 'householdRegistration', stars: 1 },
          ],
        },
        'body.items.1.stepId',
      ],
    ];
    const view = await stack.getApplication(ratedId);
    expect(view.steps.find((s) => s.id === 'maternityBenefit')?.status).toBe('skipped');
    for (const [body, path] of bad) {
      const refused = await rate(ratedId, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      expect(refused.body.errors?.map((e) => e.path)).toContain(path);
    }
    expect((await stack.getApplication(ratedId)).rating).toBeNull();
    // Another portal's application is answered as if it did not exist.
    expect((await rate(ratedId, { overall: { stars: 5 } }, 'otherPortal')).body.code).toBe(
      'APPLICATION_NOT_FOUND',
    );
  });

  it('takes one rating; a 差评 opens a rectification in the supervisor queue, due in 3 working days', async () => {
    const before = new Date();
    const rated = await rate(ratedId, {
      overall: { stars: 4, comment: overallComment },
      items: [
        { stepId: 'householdRegistration', stars: 2, comment: policeComment },
        { stepId: 'birthCertificate', stars: 5, comment: '   ' },
      ],
    });
    const after = new Date();
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({
      state: 'being_rectified',
      overall: { stars: 4, comment: overallComment },
      items: expect.arrayContaining([
        { stepId: 'householdRegistration', department: 'police', stars: 2, comment: policeComment },
        { stepId: 'birthCertificate', department: 'health', stars: 5, comment: null },
      ]),
    });
    // Only the police rated 1–2, and the whole service was rated 4: one follow-up, the police's.
    expect(rated.body.rectifications).toHaveLength(1);
    const dueAt = rated.body.rectifications[0]?.dueAt;
    const due = (at: Date) => stack.calendar.addWorkingDays(at, 3).toISOString();
    expect([due(before), due(after)]).toContain(dueAt);
    expect(rated.body.rectifications[0]).toMatchObject({
      department: 'police',
      stepId: 'householdRegistration',
      status: 'being_rectified',
      reply: null,
    });

    const again = await rate(ratedId, { overall: { stars: 5 } });
    expect(again.status).toBe(409);
    expect(again.contentType).toContain('application/problem+json');
    expect(again.body.code).toBe('RATING_ALREADY_GIVEN');
    // The first rating stands as it was.
    expect((await stack.getApplication(ratedId)).rating).toMatchObject({ overall: { stars: 4 } });

    const [task, ...more] = await rectificationsOf(ratedId, 'policeClerk');
    expect(more).toEqual([]);
    expect(task).toMatchObject({
      kind: 'review',
      rectification: true,
      queue: 'supervisor',
      status: 'open',
      department: 'police',
      stepId: 'householdRegistration',
      round: 0,
      dueAt,
      overdue: false,
    });
    expect(await rectificationsOf(ratedId, 'healthClerk')).toEqual([]);
    const detail = await as<TaskDetail>('policeClerk', 'GET', `/v1/tasks/${task?.id}`);
    expect(detail.body.input).toEqual({
      overall: { stars: 4, comment: overallComment },
      items: [{ stepId: 'householdRegistration', department: 'police', stars: 2, comment: policeComment }],
    });
    expect(detail.body.outputsSchema).toEqual({});
  });

  it("shows the police's answer to the portal as rectified", async () => {
    const [task] = await rectificationsOf(ratedId, 'policeClerk');
    const taskId = task?.id ?? '';
    // Nothing waits for it in a workflow: it is answered, not decided.
    const decided = await as('policeClerk', 'POST', `/v1/tasks/${taskId}/complete`, {
      decision: 'reject',
      reason: 'no',
    });
    expect([decided.status, decided.body.code]).toEqual([409, 'TASK_CONFLICT']);
    const unclaimed = await as('policeClerk', 'POST', `/v1/tasks/${taskId}/reply`, { reply: 'done' });
    expect([unclaimed.status, unclaimed.body.code]).toEqual([409, 'TASK_CONFLICT']);
    const blank = await as('policeClerk', 'POST', `/v1/tasks/${taskId}/reply`, { reply: '  ' });
    expect([blank.status, blank.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const otherDepartment = await as('healthClerk', 'POST', `/v1/tasks/${taskId}/reply`, { reply: 'x' });
    expect(otherDepartment.status).toBe(403);
    expect((await as('policeClerk', 'POST', `/v1/tasks/${taskId}/claim`)).status).toBe(200);
    const reply = '已回访申请人，窗口改为一次告知所需材料';
    const answered = await as<TaskSummary>('policeClerk', 'POST', `/v1/tasks/${taskId}/reply`, { reply });
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ status: 'completed', rectification: true });
    const audit = await as<{ entries: Array<{ result: string }> }>(
      'operator',
      'GET',
      `/v1/ops/audit?action=task.reply&applicationId=${ratedId}&limit=10`,
    );
    expect(audit.body.entries.map((e) => e.result)).toContain('ok');
    const twice = await as('policeClerk', 'POST', `/v1/tasks/${taskId}/reply`, { reply });
    expect([twice.status, twice.body.code]).toEqual([409, 'TASK_ALREADY_COMPLETED']);

    const view = await stack.getApplication(ratedId);
    expect(view.rating).toMatchObject({
      state: 'rectified',
      rectifications: [{ department: 'police', status: 'rectified', reply, repliedAt: expect.any(String) }],
    });
    // An operator reads it too, the comments masked, and the read goes to the access log.
    const seen = await as<ApplicationView>('operator', 'GET', `/v1/applications/${ratedId}`);
    const police = seen.body.rating?.items.find((i) => i.department === 'police');
    expect(police?.comment).toContain('派出所窗口让我跑了三趟');
    expect(police?.comment).not.toContain('110101199003074514');
    const log = await stack.request<{ entries: Array<{ fields: string[] }> }>(
      'GET',
      `/v1/applications/${ratedId}/access-log`,
    );
    expect(log.body.entries.flatMap((e) => e.fields)).toContain('rating.householdRegistration.comment');
    const scoped = await as<ApplicationView>('policeOperator', 'GET', `/v1/applications/${ratedId}`);
    expect(scoped.body.rating?.items.map((i) => i.department)).toEqual(['police']);
  });

  it('has every department that handled an item follow up a 差评 of the whole service', async () => {
    const rated = await rate(badServiceId, { overall: { stars: 1 } });
    expect(rated.status).toBe(201);
    const view = await stack.getApplication(badServiceId);
    const handled = new Set(
      view.steps.filter((s) => s.status !== 'pending' && s.status !== 'skipped').map((s) => s.department),
    );
    expect(handled.size).toBeGreaterThan(3);
    expect(new Set(rated.body.rectifications.map((r) => r.department))).toEqual(handled);
    expect(rated.body.rectifications).toHaveLength(handled.size);
    expect(view.rating?.state).toBe('being_rectified');
  });

  it('lists an overdue rectification among the stuck reasons', async () => {
    const [task] = await rectificationsOf(badServiceId, 'policeClerk');
    // Three working days have not passed: the test moves the due time instead of the clock.
    await stack.pool.query(`UPDATE human_tasks SET due_at = now() - interval '1 hour' WHERE id = $1`, [
      task?.id,
    ]);
    // An overdue work-list task, said to be a 差评's follow-up: the stuck codes are published
    // values, which a new one would break (oasdiff), so it is told apart by its words.
    const stuck = await as<OpsList>('operator', 'GET', '/v1/ops/applications?stuck=task-overdue');
    expect(stuck.status).toBe(200);
    const found = stuck.body.applications.find((a) => a.id === badServiceId);
    expect(found?.reasons).toEqual([
      expect.objectContaining({ code: 'task-overdue', stepId: 'householdRegistration' }),
    ]);
    expect(found?.reasons[0]?.message).toContain('rectification of a 差评');
    // The police answered theirs in time: not stuck.
    expect(stuck.body.applications.map((a) => a.id)).not.toContain(ratedId);
    const police = await as<OpsList>('operator', 'GET', '/v1/ops/applications?department=police');
    expect(police.body.applications.map((a) => a.id)).toContain(badServiceId);
    const health = await as<OpsList>('operator', 'GET', '/v1/ops/applications?department=health');
    expect(health.body.applications.map((a) => a.id)).not.toContain(badServiceId);
    const overdue = await as<{ tasks: TaskSummary[] }>('policeClerk', 'GET', '/v1/tasks?overdue=true');
    expect(overdue.body.tasks.map((t) => t.id)).toContain(task?.id);
  });

  it('adds the ratings up for operators, per bundle and per department and bundle', async () => {
    const figures = await as<OpsRatings>('operator', 'GET', '/v1/ops/ratings');
    expect(figures.status).toBe(200);
    // By default, the 30 days up to now.
    expect(Date.parse(figures.body.to) - Date.parse(figures.body.from)).toBe(30 * 86_400_000);
    expect(Math.abs(Date.parse(figures.body.to) - Date.now())).toBeLessThan(60_000);
    expect(figures.body.bundles).toEqual([{ bundleId: 'newborn', ratings: 2, averageStars: 2.5, bad: 1 }]);
    const row = (department: string) => figures.body.departments.find((d) => d.department === department);
    expect(row('police')).toEqual({
      department: 'police',
      bundleId: 'newborn',
      ratings: 1,
      averageStars: 2,
      bad: 1,
      rectifications: { open: 1, overdue: 1, replied: 1 },
    });
    expect(row('health')).toMatchObject({
      ratings: 1,
      averageStars: 5,
      bad: 0,
      rectifications: { open: 1, overdue: 0, replied: 0 },
    });
    // The police operator sees its own department, and the whole service only where it took part.
    const scoped = await as<OpsRatings>('policeOperator', 'GET', '/v1/ops/ratings');
    expect(scoped.body.departments.map((d) => d.department)).toEqual(['police']);
    const out = await as('policeOperator', 'GET', '/v1/ops/ratings?department=health');
    expect([out.status, out.body.code]).toEqual([403, 'OUT_OF_SCOPE']);
    // A period before the ratings counts none.
    const past = await as<OpsRatings>(
      'operator',
      'GET',
      '/v1/ops/ratings?from=2026-01-01T00:00:00%2B08:00&to=2026-02-01T00:00:00%2B08:00',
    );
    expect(past.body).toMatchObject({ bundles: [], departments: [] });
    const refused: Array<[string, string]> = [
      ['from=2026-03-01T00:00:00Z&to=2026-02-01T00:00:00Z', 'querystring.from'],
      ['from=2024-01-01T00:00:00Z&to=2026-02-01T00:00:00Z', 'querystring.from'],
      ['from=yesterday', 'querystring.from'],
      ['department=nowhere', 'querystring.department'],
      ['bundle=nothing', 'querystring.bundle'],
      ['limit=5', 'querystring'],
    ];
    for (const [query, path] of refused) {
      const bad = await as('operator', 'GET', `/v1/ops/ratings?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(bad.body.errors?.map((e) => e.path).join(' '), query).toContain(path);
    }
  });

  it('keeps the comments out of the tables and the logs in clear', async () => {
    const scan = await scanTablesForClearText(stack.pool, [policeComment, overallComment, '派出所窗口']);
    expect(scan.findings).toEqual([]);
    const log = await readFile(join(inject('logDir'), `test-${process.pid}.log`), 'utf8');
    // The API of this stack logs to this file: the ratings' requests are there, their words not.
    expect(log).toContain(`/v1/applications/${ratedId}/rating`);
    expect(log).not.toContain('派出所窗口');
    expect(log).not.toContain(overallComment);
  });

  it("clears the comments with the application's personal data, keeping the stars", async () => {
    await eraseApplication(stack.pool, ratedId);
    stack.dataKeys.forget(ratedId);
    const overall = await stack.pool.query(
      'SELECT stars, comment FROM application_ratings WHERE application_id = $1',
      [ratedId],
    );
    expect(overall.rows).toEqual([{ stars: 4, comment: null }]);
    const items = await stack.pool.query(
      'SELECT stars, comment FROM application_item_ratings WHERE application_id = $1 ORDER BY stars',
      [ratedId],
    );
    expect(items.rows).toEqual([
      { stars: 2, comment: null },
      { stars: 5, comment: null },
    ]);
    expect((await stack.getApplication(ratedId)).rating?.overall).toEqual({ stars: 4, comment: null });
  });
});

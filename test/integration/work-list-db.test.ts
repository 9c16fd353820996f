import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createWorkListActivities } from '../../activities/work-list.js';
import type { OpenTaskInput } from '../../activities/types.js';
import { newborn } from '../../bundles/newborn.js';
import { loadBusinessCalendar } from '../../calendar/load.js';
import { findApplication, insertApplication } from '../../db/applications.js';
import {
  claimTask,
  completeTask,
  escalateTask,
  findTask,
  insertTask,
  listTasks,
  releaseTask,
} from '../../db/work-list.js';
import type { NewTask } from '../../db/work-list.js';
import { migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import type { Pool } from '../../db/pool.js';
import { createServiceMetrics } from '../../metrics/service.js';
import { createStubVideoProvider } from '../../video/provider.js';
import { createTestDatabase } from '../support/database.js';
import { attachDataKeys } from '../../privacy/sealer.js';
import { randomKeyring } from '../../temporal/keyring.js';

let pool: Pool;
let drop: () => Promise<void>;
beforeAll(async () => {
  const database = await createTestDatabase(inject('postgresAdminUrl'));
  drop = () => database.drop();
  pool = createPool(database.url);
  attachDataKeys(pool, randomKeyring());
  await migrate(pool);
});
afterAll(async () => {
  await pool?.end();
  await drop?.();
});

async function newApplication(): Promise<string> {
  const { row } = await insertApplication(pool, {
    id: randomUUID(),
    bundle: newborn,
    clientId: 'test-portal',
    idempotencyKey: randomUUID(),
    requestHash: 'test',
  });
  return row.id;
}

const task = (applicationId: string, overrides: Partial<NewTask> = {}): NewTask => ({
  id: randomUUID(),
  applicationId,
  stepId: 'householdRegistration',
  round: 1,
  department: 'police',
  service: 'birth-registration',
  kind: 'review',
  input: { babyName: '王小明' },
  dueAt: new Date('2026-03-10T15:59:59.999Z'),
  ...overrides,
});

const alice = { department: 'police', keyId: 'key_alice', name: 'Alice' };
const bob = { department: 'police', keyId: 'key_bob', name: 'Bob' };
const nurse = { department: 'health', keyId: 'key_nurse', name: 'Nurse' };

describe('work-list tasks in PostgreSQL', () => {
  it('inserts one task per application, step and round; a repeat returns the first', async () => {
    const applicationId = await newApplication();
    const first = await insertTask(pool, task(applicationId));
    expect(first.created).toBe(true);
    expect(first.row).toMatchObject({ status: 'open', queue: 'department', overdue: false, assignee: null });
    const again = await insertTask(pool, task(applicationId, { input: { other: true } }));
    expect(again).toMatchObject({ created: false, row: { id: first.row.id, input: { babyName: '王小明' } } });
    const next = await insertTask(pool, task(applicationId, { round: 2, supplement: { photo: 'p.jpg' } }));
    expect(next.created).toBe(true);
    expect(next.row.supplement).toEqual({ photo: 'p.jpg' });
  });

  it('lets one clerk claim, refuses another, and only the assignee releases or completes, once', async () => {
    const { row } = await insertTask(pool, task(await newApplication()));
    expect(await claimTask(pool, row.id, nurse)).toEqual({ ok: false, conflict: 'other-department' });
    const claimed = await claimTask(pool, row.id, alice);
    expect(claimed).toMatchObject({ ok: true, row: { status: 'claimed', assignee: 'key_alice Alice' } });
    expect((await claimTask(pool, row.id, alice)).ok).toBe(true);
    expect(await claimTask(pool, row.id, bob)).toEqual({ ok: false, conflict: 'claimed-by-other' });
    expect(await releaseTask(pool, row.id, bob)).toEqual({ ok: false, conflict: 'claimed-by-other' });
    expect(await completeTask(pool, row.id, bob, { decision: 'approve' })).toEqual({
      ok: false,
      conflict: 'claimed-by-other',
    });

    expect(await releaseTask(pool, row.id, alice)).toMatchObject({
      ok: true,
      row: { status: 'open', assignee: null },
    });
    expect(await releaseTask(pool, row.id, alice)).toEqual({ ok: false, conflict: 'not-claimed' });
    expect(await completeTask(pool, row.id, alice, { decision: 'approve' })).toEqual({
      ok: false,
      conflict: 'not-claimed',
    });

    expect((await claimTask(pool, row.id, bob)).ok).toBe(true);
    const done = await completeTask(pool, row.id, bob, { decision: 'reject', reason: 'no' });
    expect(done).toMatchObject({ ok: true, row: { status: 'completed', decision: { decision: 'reject' } } });
    expect(await completeTask(pool, row.id, bob, { decision: 'approve' })).toEqual({
      ok: false,
      conflict: 'completed',
    });
    expect(await claimTask(pool, row.id, alice)).toEqual({ ok: false, conflict: 'completed' });
    expect((await findTask(pool, row.id))?.decision).toEqual({ decision: 'reject', reason: 'no' });
    expect(await claimTask(pool, randomUUID(), alice)).toEqual({ ok: false, conflict: 'not-found' });
  });

  it('gives one of two clerks claiming at once the task', async () => {
    const { row } = await insertTask(pool, task(await newApplication()));
    const results = await Promise.all([claimTask(pool, row.id, alice), claimTask(pool, row.id, bob)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('lists by filter, earliest due first, page by page', async () => {
    const applicationId = await newApplication();
    const department = `dept-${randomUUID().slice(0, 8)}`;
    const base = Date.parse('2030-01-01T00:00:00Z');
    const ids: string[] = [];
    // Inserted out of order; two share a due time (ordered by id then).
    for (const [i, days] of [3, 1, 4, 1, 5].entries()) {
      const { row } = await insertTask(
        pool,
        task(applicationId, {
          stepId: `step${i}`,
          department,
          kind: i === 4 ? 'video-verification' : 'review',
          dueAt: new Date(base + days * 86_400_000),
        }),
      );
      ids.push(row.id);
    }
    const all = await listTasks(pool, { department, limit: 100 });
    const expected = await pool.query<{ id: string }>(
      'SELECT id FROM human_tasks WHERE department = $1 ORDER BY due_at, id',
      [department],
    );
    expect(all.rows.map((r) => r.id)).toEqual(expected.rows.map((r) => r.id));
    expect(all.rows.map((r) => r.step_id).slice(2)).toEqual(['step0', 'step2', 'step4']);
    expect(all.more).toBe(false);

    const pages: string[] = [];
    let after: { dueAt: Date; id: string } | undefined;
    for (;;) {
      const page = await listTasks(pool, { department, limit: 2, ...(after ? { after } : {}) });
      pages.push(...page.rows.map((r) => r.id));
      const last = page.rows.at(-1);
      if (!page.more || !last) break;
      after = { dueAt: last.due_at, id: last.id };
    }
    expect(pages).toEqual(all.rows.map((r) => r.id));

    expect((await listTasks(pool, { department, kind: 'video-verification', limit: 10 })).rows).toHaveLength(
      1,
    );
    await claimTask(pool, ids[0] ?? '', { ...alice, department });
    expect(
      (await listTasks(pool, { department, status: 'claimed', limit: 10 })).rows.map((r) => r.id),
    ).toEqual([ids[0]]);
    // Still to do: open and claimed, not completed.
    const toDo = await listTasks(pool, { department, active: true, limit: 10 });
    expect(new Set(toDo.rows.map((r) => r.status))).toEqual(new Set(['open', 'claimed']));
    expect((await listTasks(pool, { department, active: false, limit: 10 })).rows).toEqual([]);
    expect((await listTasks(pool, { department, overdue: true, limit: 10 })).rows).toHaveLength(0);
    await escalateTask(pool, ids[1] ?? '');
    expect((await listTasks(pool, { department, overdue: true, limit: 10 })).rows.map((r) => r.id)).toEqual([
      ids[1],
    ]);
    expect((await listTasks(pool, { department, queue: 'supervisor', limit: 10 })).rows).toHaveLength(1);
  });

  it('counts a task past due as overdue even before it is escalated', async () => {
    const department = `dept-${randomUUID().slice(0, 8)}`;
    await insertTask(pool, task(await newApplication(), { department, dueAt: new Date(Date.now() - 1000) }));
    const page = await listTasks(pool, { department, overdue: true, limit: 10 });
    expect(page.rows.map((r) => [r.is_overdue, r.overdue, r.queue])).toEqual([[true, false, 'department']]);
  });

  it('escalates once, keeping the assignee; a completed task is not escalated', async () => {
    const applicationId = await newApplication();
    const { row } = await insertTask(pool, task(applicationId));
    await claimTask(pool, row.id, alice);
    const escalated = await escalateTask(pool, row.id);
    expect(escalated).toMatchObject({
      overdue: true,
      queue: 'supervisor',
      status: 'claimed',
      assignee: 'key_alice Alice',
    });
    expect(await escalateTask(pool, row.id)).toBeUndefined();
    expect((await findTask(pool, row.id))?.escalated_at).toEqual(escalated?.escalated_at);

    const { row: other } = await insertTask(pool, task(applicationId, { stepId: 'other' }));
    await claimTask(pool, other.id, alice);
    await completeTask(pool, other.id, alice, { decision: 'approve' });
    expect(await escalateTask(pool, other.id)).toBeUndefined();
  });
});

describe('the work list activities', () => {
  const calendar = loadBusinessCalendar();
  const metrics = createServiceMetrics();
  // Built per test: `pool` is set in beforeAll.
  const get = () => createWorkListActivities({ pool, calendar, video: createStubVideoProvider(), metrics });

  const open = (applicationId: string, overrides: Partial<OpenTaskInput> = {}): OpenTaskInput => ({
    applicationId,
    stepId: 'householdRegistration',
    department: 'police',
    service: 'birth-registration',
    kind: 'review',
    round: 1,
    input: { babyName: '王小明' },
    timeLimitWorkingDays: 3,
    title: 'waiting for police review',
    ...overrides,
  });

  it('opens a task due on the business calendar and shows the step waiting; a retry opens nothing more', async () => {
    const applicationId = await newApplication();
    const before = new Date();
    const opened = await get().openHumanTask(open(applicationId));
    expect(opened.dueAt).toBe(calendar.addWorkingDays(before, 3).toISOString());
    expect(await get().openHumanTask(open(applicationId))).toEqual(opened);
    const count = await pool.query('SELECT 1 FROM human_tasks WHERE application_id = $1', [applicationId]);
    expect(count.rowCount).toBe(1);

    const found = await findApplication(pool, applicationId);
    const step = found?.steps.find((s) => s.step_id === 'householdRegistration');
    expect(step).toMatchObject({
      status: 'waiting',
      waiting: { reason: 'human-task', message: 'waiting for police review' },
    });
    expect(step?.due_at?.toISOString()).toBe(opened.dueAt);
    const events = await pool.query('SELECT 1 FROM application_events WHERE application_id = $1', [
      applicationId,
    ]);
    expect(events.rowCount).toBe(1);
  });

  it('gives a video-verification task a video session, the same on a retry', async () => {
    const applicationId = await newApplication();
    const input = open(applicationId, { kind: 'video-verification', department: 'vehicle-office' });
    const { taskId } = await get().openHumanTask(input);
    await get().openHumanTask(input);
    const row = await findTask(pool, taskId);
    expect(row?.video).toEqual(
      await createStubVideoProvider().createSession({ taskId, applicationId, department: 'vehicle-office' }),
    );
  });

  it('escalates once and counts it', async () => {
    const { taskId } = await get().openHumanTask(open(await newApplication()));
    await get().escalateHumanTask({ taskId });
    await get().escalateHumanTask({ taskId });
    expect(await findTask(pool, taskId)).toMatchObject({ overdue: true, queue: 'supervisor' });
    expect(await metrics.registry.metrics()).toContain(
      'onething_tasks_escalated_total{department="police",cause="overdue"} 1\n',
    );
  });

  it("stops and restarts the application's clock", async () => {
    const applicationId = await newApplication();
    await get().pauseApplicationClock({ applicationId, at: '2026-03-02T02:00:00Z' });
    const paused = await pool.query<{ paused_since: Date | null }>(
      'SELECT paused_since FROM applications WHERE id = $1',
      [applicationId],
    );
    expect(paused.rows[0]?.paused_since?.toISOString()).toBe('2026-03-02T02:00:00.000Z');
    await get().resumeApplicationClock({ applicationId, at: '2026-03-04T02:00:00Z' });
    const resumed = await pool.query<{ paused_since: Date | null; paused_ms: string }>(
      'SELECT paused_since, paused_ms FROM applications WHERE id = $1',
      [applicationId],
    );
    expect(resumed.rows[0]).toEqual({ paused_since: null, paused_ms: String(2 * 86_400_000) });
  });
});

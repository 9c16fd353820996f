import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertTask } from '../../db/work-list.js';
import { taskSummarySchema } from '../../schemas/work-list.js';
import type { TaskSummary } from '../../schemas/work-list.js';
import { openLiveStream } from '../support/event-stream.js';
import type { EventFrame } from '../support/event-stream.js';
import { newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import { startSecondApi } from '../support/second-api.js';
import type { TestRole, TestStack } from '../support/stack.js';

// Birth certificates are decided by health clerks in the work list here: submitting a newborn
// application opens a real task through the workflow. Its police step is not a work-list one.
let stack: TestStack;
// A second API process's view: its own pool, its own LISTEN connection, the same database.
let second: Awaited<ReturnType<typeof startSecondApi>>;
beforeAll(async () => {
  stack = await startTestStack({ stepDeciders: new Map([['newborn.birthCertificate', 'worklist']]) });
  second = await startSecondApi(stack);
});
afterAll(async () => {
  await second?.stop();
  await stack?.close();
});

const follow = async (as: TestRole, headers: Record<string, string> = {}, apiUrl = stack.apiUrl) => {
  const stream = await openLiveStream(`${apiUrl}/v1/tasks/events`, {
    authorization: `Bearer ${stack.keys[as]}`,
    ...headers,
  });
  await stream.waitFor('ready', (f) => f.event === 'ready');
  return stream;
};

const taskOf = (frame: EventFrame): TaskSummary => taskSummarySchema.parse(JSON.parse(frame.data));
const isTask = (match: (task: TaskSummary) => boolean) => (frame: EventFrame) =>
  frame.event === 'task' && match(taskOf(frame));

/** A task of the police, opened as the workflow's activity would, on an application of the stack. */
const openPoliceTask = (applicationId: string) =>
  insertTask(stack.pool, {
    id: randomUUID(),
    applicationId,
    stepId: `marker-${randomUUID().slice(0, 8)}`,
    round: 1,
    department: 'police',
    service: 'birth-registration',
    kind: 'review',
    input: {},
    dueAt: new Date(Date.now() + 3 * 86_400_000),
  });

const claim = (id: string, as: TestRole) => stack.request('POST', `/v1/tasks/${id}/claim`, undefined, {}, as);

describe('the work list live view (GET /v1/tasks/events)', () => {
  it("sends a clerk their department's tasks as they open and are claimed, and no other department's", async () => {
    const health = await follow('healthClerk');
    const police = await follow('policeClerk');
    try {
      const applicationId = (await stack.submit(newbornRequest())).body.id;
      const opened = taskOf(
        await health.waitFor(
          'of the opened task',
          isTask((t) => t.applicationId === applicationId),
        ),
      );
      expect(opened).toMatchObject({ department: 'health', status: 'open', round: 1 });
      // Dated on the server's business calendar, as the list dates it.
      const listed = await stack.openTasks(applicationId, 'healthClerk');
      expect(listed.map((t) => t.workingDaysLeft)).toEqual([opened.workingDaysLeft]);
      expect(opened.workingDaysLeft).toBe(
        stack.calendar.workingDaysBetween(new Date(), new Date(opened.dueAt)),
      );

      expect((await claim(opened.id, 'healthClerk')).status).toBe(200);
      const claimed = taskOf(
        await health.waitFor(
          'of the claim',
          isTask((t) => t.id === opened.id && t.status === 'claimed'),
        ),
      );
      expect(claimed.assignee).toContain('healthClerk');

      // A police task opened after both: once the police clerk has it, they had every change before it.
      const marker = await openPoliceTask(applicationId);
      await police.waitFor(
        'of the police task',
        isTask((t) => t.id === marker.row.id),
      );
      expect(police.frames.filter((f) => f.event === 'task').map((f) => taskOf(f).department)).toEqual([
        'police',
      ]);
      // Likewise the health clerk, with a release after the police task: none of it came before.
      const release = `/v1/tasks/${opened.id}/release`;
      expect((await stack.request('POST', release, undefined, {}, 'healthClerk')).status).toBe(200);
      await health.waitFor(
        'of the release',
        isTask((t) => t.id === opened.id && t.status === 'open'),
      );
      expect(health.frames.filter(isTask((t) => t.department !== 'health'))).toEqual([]);
    } finally {
      await health.close();
      await police.close();
    }
  });

  it('resumes after Last-Event-ID, on another API process, and misses nothing that changed meanwhile', async () => {
    const first = await follow('healthClerk');
    const applicationId = (await stack.submit(newbornRequest())).body.id;
    const opened = await first.waitFor(
      'of the opened task',
      isTask((t) => t.applicationId === applicationId),
    );
    await first.close();
    const task = taskOf(opened);

    // While nobody follows: the task is claimed, and another one opens.
    expect((await claim(task.id, 'healthClerk')).status).toBe(200);
    const later = (await stack.submit(newbornRequest())).body.id;
    const another = await stack.waitForOpenTask(later, 'healthClerk');

    const resumed = await follow('healthClerk', { 'last-event-id': opened.id ?? '' }, second.url);
    try {
      expect(resumed.frames[0]).toMatchObject({ event: 'ready', id: opened.id });
      await resumed.waitFor(
        'of the claim',
        isTask((t) => t.id === task.id && t.status === 'claimed'),
      );
      await resumed.waitFor(
        'of the other task',
        isTask((t) => t.id === another.id),
      );
      // The open frame received before is not sent again.
      expect(resumed.frames.filter(isTask((t) => t.id === task.id && t.status === 'open'))).toEqual([]);
    } finally {
      await resumed.close();
    }
  });

  it("refuses a clerk another department's stream and a position it did not give", async () => {
    const other = await stack.request(
      'GET',
      '/v1/tasks/events?department=police',
      undefined,
      {},
      'healthClerk',
    );
    expect(other.status).toBe(403);
    const bad = await stack.request(
      'GET',
      '/v1/tasks/events',
      undefined,
      { 'last-event-id': 'not-a-position' },
      'healthClerk',
    );
    expect(bad.status).toBe(400);
  });
});

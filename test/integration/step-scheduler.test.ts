import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { BundlePlan } from '../../schemas/bundle.js';
import { stepErrorCodes } from '../../schemas/error-codes.js';
import { withdraw } from '../../workflows/messages.js';
import { eventually } from '../support/eventually.js';
import type { scheduledSteps, StubWork } from '../support/piece-workflows.js';
import { planOfSteps, stepDefinition as step } from '../support/step-definitions.js';
import { timeSkippingWorkerPerTest } from '../support/time-skipping.js';

// StepScheduler on its own (workflows/step-scheduler.ts), on the time-skipping test server: each
// step's work is a durable sleep standing in for a department, so hours pass in milliseconds.
const taskQueue = `step-scheduler-${randomUUID()}`;
const hour = 60 * 60 * 1000;
const timeSkipping = timeSkippingWorkerPerTest(
  taskQueue,
  {},
  { workflowsPath: fileURLToPath(new URL('../support/piece-workflows.ts', import.meta.url)) },
);

const start = (plan: BundlePlan, work: Record<string, StubWork>, form: Record<string, unknown> = {}) =>
  timeSkipping.env().client.workflow.start<typeof scheduledSteps>('scheduledSteps', {
    workflowId: `scheduler-${randomUUID()}`,
    taskQueue,
    args: [{ plan, form, work }],
  });
/** When each step started, in whole minutes: workflow time moves on a little while a task runs. */
const minutes = (started: Record<string, number>) =>
  Object.fromEntries(Object.entries(started).map(([id, ms]) => [id, Math.floor(ms / 60_000)]));
const completed = (ms: number): StubWork => ({ ms, result: { status: 'completed' } });

describe('StepScheduler (time skipping)', () => {
  it('starts independent steps together and each step once all it needs has ended', async () => {
    const plan = planOfSteps([
      step('a'),
      step('b', { after: ['a'] }),
      step('c', { after: ['a'] }),
      step('d', { after: ['b', 'c'] }),
      step('e'),
    ]);
    const handle = await start(plan, {
      a: completed(hour),
      b: completed(2 * hour),
      c: completed(hour),
      d: completed(0),
      e: completed(0),
    });
    const { results, started } = await handle.result();
    expect(minutes(started)).toEqual({ a: 0, e: 0, b: 60, c: 60, d: 180 });
    expect(Object.values(results).map((r) => r?.status)).toEqual(Array(5).fill('completed'));
  });

  it('skips the dependants of a step that gave no outputs, not those of a step an operator skipped', async () => {
    const skippedByOperator = {
      status: 'skipped' as const,
      error: { code: stepErrorCodes.skippedByOperator, message: 'skipped by operator' },
    };
    const plan = planOfSteps([
      step('rejected'),
      step('blocked', { after: ['rejected'] }),
      step('blockedInTurn', { after: ['blocked'] }),
      step('skipped'),
      step('runs', { after: ['skipped'] }),
    ]);
    const handle = await start(plan, {
      rejected: {
        ms: hour,
        result: { status: 'rejected', error: { code: stepErrorCodes.departmentRejected, message: 'no' } },
      },
      skipped: { ms: hour, result: skippedByOperator },
    });
    const { results, started, transitions } = await handle.result();
    expect(results.blocked).toEqual({
      status: 'skipped',
      error: { code: stepErrorCodes.blockedByDependency, message: 'not started: rejected did not complete' },
    });
    expect(results.blockedInTurn?.error?.message).toBe('not started: blocked did not complete');
    expect(results.runs?.status).toBe('completed');
    expect(minutes(started).runs).toBe(60);
    // Each skip is recorded for the read model, in the order it happened.
    expect(transitions.map((t) => t.step?.stepId)).toEqual(['blocked', 'blockedInTurn']);
  });

  it('skips an optional step the applicant did not opt in to', async () => {
    const plan = planOfSteps([
      step('optedOut', { optInField: 'form.optIns.optedOut' }),
      step('optedIn', { optInField: 'form.optIns.optedIn' }),
    ]);
    const handle = await start(plan, {}, { optIns: { optedOut: false, optedIn: true } });
    const { results } = await handle.result();
    expect(results.optedOut?.error?.code).toBe(stepErrorCodes.notOptedIn);
    expect(results.optedIn?.status).toBe('completed');
  });

  it('skips a step the form says does not apply, and runs its dependants on the step that applied', async () => {
    const by = (equals: string) => ({ appliesWhen: { field: 'form.death.manner', equals } });
    const plan = planOfSteps([
      step('hospital', by('natural')),
      step('police', by('abnormal')),
      step('cremation', { after: ['hospital', 'police'] }),
      step('afterFailed', { after: ['failing', 'hospital'] }),
      step('failing', by('abnormal')),
    ]);
    const failed = { status: 'failed' as const, error: { code: stepErrorCodes.stepFailed, message: 'down' } };
    const handle = await start(
      plan,
      { police: completed(hour), failing: { ms: hour, result: failed } },
      { death: { manner: 'abnormal' } },
    );
    const { results, started } = await handle.result();
    expect(results.hospital).toEqual({
      status: 'skipped',
      error: {
        code: stepErrorCodes.notApplicable,
        message: 'not applicable: form.death.manner is not natural',
      },
    });
    expect(results.police?.status).toBe('completed');
    expect(results.cremation?.status).toBe('completed');
    expect(minutes(started).cremation).toBe(60);
    // A step that applied and failed still blocks.
    expect(results.afterFailed?.error?.code).toBe(stepErrorCodes.blockedByDependency);
  });

  it('after a withdrawal starts no step, naming who withdrew', async () => {
    const plan = planOfSteps([step('first'), step('second', { after: ['first'] })]);
    const handle = await start(plan, { first: completed(24 * hour) });
    await eventually('the first step started', async () =>
      (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) ? true : undefined,
    );
    await handle.executeUpdate(withdraw, { args: [{ reason: 'duplicate', by: 'operator 王' }] });
    const { results } = await handle.result();
    expect(results.first?.error).toEqual({
      code: stepErrorCodes.withdrawn,
      message: 'withdrawn by operator 王 (duplicate) before the department decided',
    });
    expect(results.second?.error).toEqual({
      code: stepErrorCodes.withdrawn,
      message: 'not started: the application was withdrawn by operator 王 (duplicate)',
    });
  });

  it('fails the workflow on a step that runs after a step the plan does not have', async () => {
    const handle = await start(planOfSteps([step('orphan', { after: ['ghost'] })]), {});
    const failed = await handle.result().catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    const cause = (failed as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('InvalidBundlePlan');
  });
});

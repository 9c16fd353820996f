import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure } from '@temporalio/common';
import type { WorkflowHandle } from '@temporalio/client';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CallDepartmentInput, CallDepartmentResult } from '../../activities/types.js';
import { failureTypes, stepErrorCodes } from '../../schemas/error-codes.js';
import { workflowFeatures } from '../../workflows/features.js';
import { departmentDecision, repairStep } from '../../workflows/messages.js';
import type { RepairStepUpdate } from '../../workflows/messages.js';
import { eventually } from '../support/eventually.js';
import type { repairedStep } from '../support/piece-workflows.js';
import { readerOf, refusal, stepDefinition } from '../support/step-definitions.js';
import { timeSkippingWorkerPerTest } from '../support/time-skipping.js';

// StepRepairs on its own (workflows/step-repairs.ts) around a department step, on the
// time-skipping test server: operators' retries, re-sends and skips, and the hold of a failed
// call, which lasts days. The department is a stub answering each call in turn.
const taskQueue = `step-repairs-${randomUUID()}`;
const day = 24 * 60 * 60 * 1000;
const police = stepDefinition('householdRegistration');
const reader = readerOf(police.id, ['citizenIdNumber']);
const outputs = { citizenIdNumber: '330106202611201234' };

/** The department's answer to each call in turn; the last one again after that. */
let answers: Array<() => Promise<CallDepartmentResult>> = [];
const calls: CallDepartmentInput[] = [];
const timeSkipping = timeSkippingWorkerPerTest(
  taskQueue,
  {
    async callDepartment(input: CallDepartmentInput) {
      calls.push(input);
      const answer = answers[Math.min(calls.length, answers.length) - 1];
      if (!answer) throw new Error('no answer set');
      return answer();
    },
  },
  { workflowsPath: fileURLToPath(new URL('../support/piece-workflows.ts', import.meta.url)) },
);
beforeEach(() => {
  calls.length = 0;
});

const allFeatures = Object.values(workflowFeatures);
const start = (options: { failedStepHold?: string; features?: string[] } = {}) =>
  timeSkipping.env().client.workflow.start<typeof repairedStep>('repairedStep', {
    workflowId: `step-repairs-${randomUUID()}`,
    taskQueue,
    args: [{ step: police, readBack: reader, features: options.features ?? allFeatures, ...options }],
  });
const done = async (): Promise<CallDepartmentResult> => ({ outputs });
const accepted = (receiptNumber: string) => async (): Promise<CallDepartmentResult> => ({
  accepted: true,
  receiptNumber,
  pollable: false,
});
const broken = async (): Promise<CallDepartmentResult> => {
  throw ApplicationFailure.nonRetryable(
    'police answered without a citizen ID',
    failureTypes.departmentOutputInvalid,
  );
};
const repair = (more: Partial<RepairStepUpdate>): RepairStepUpdate => ({
  stepId: police.id,
  action: 'retry',
  reason: 'police back',
  operator: 'operator 李',
  ...more,
});
const called = (times: number) =>
  eventually(`call ${times}`, async () => (calls.length >= times ? true : undefined));
const timerStarted = (handle: WorkflowHandle) =>
  eventually('the hold', async () =>
    (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) ? true : undefined,
  );

describe('StepRepairs (time skipping)', () => {
  it('refuses a repair it cannot apply, and retries a call in flight as a new call', async () => {
    let release: (() => void) | undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    answers = [async () => (await released, { outputs: { citizenIdNumber: 'abandoned' } }), done];
    const handle = await start();
    await called(1);
    expect(await refusal(handle, repairStep, repair({ stepId: 'ghost' }))).toMatch(/not in progress/);
    expect(await refusal(handle, repairStep, repair({ reason: '  ' }))).toMatch(/a reason is required/);
    expect(await refusal(handle, repairStep, repair({ action: 'resend' }))).toMatch(
      /not waiting for a department decision/,
    );
    expect(await refusal(handle, repairStep, repair({ action: 'skip' }))).toMatch(/needs the outputs/);
    expect(await handle.executeUpdate(repairStep, { args: [repair({})] })).toBe('repairing');
    await called(2);
    release?.();
    const { result, rounds, readBack } = await handle.result();
    expect(result).toEqual({ status: 'completed' });
    expect(rounds).toBe(2);
    // The abandoned call's answer is not used; the retry is a call of its own.
    expect(readBack).toEqual(outputs);
    expect(calls.map((c) => c.callKey)).toEqual([undefined, 'r1p0']);
  });

  it('re-sends a step waiting for a decision the department lost, then takes the new receipt only', async () => {
    answers = [accepted('R-1'), accepted('R-2')];
    const handle = await start();
    await called(1);
    await handle.executeUpdate(repairStep, {
      args: [repair({ action: 'resend', reason: 'lost in outage' })],
    });
    await called(2);
    const decision = { stepId: police.id, outcome: 'completed' as const, outputs };
    expect(await refusal(handle, departmentDecision, { ...decision, receiptNumber: 'R-1' })).toMatch(/R-1/);
    await handle.executeUpdate(departmentDecision, { args: [{ ...decision, receiptNumber: 'R-2' }] });
    const { result, rounds } = await handle.result();
    expect(result).toEqual({ status: 'completed' });
    expect(rounds).toBe(2);
  });

  it('skips the step with the outputs the operator entered, which its dependants read', async () => {
    answers = [accepted('R-1')];
    const handle = await start();
    await called(1);
    await handle.executeUpdate(repairStep, {
      args: [repair({ action: 'skip', reason: 'registered at the counter', outputs })],
    });
    const { result, readBack, transitions } = await handle.result();
    const error = {
      code: stepErrorCodes.skippedByOperator,
      message: 'skipped by operator 李: registered at the counter',
    };
    expect(result).toEqual({ status: 'skipped', error });
    expect(readBack).toEqual(outputs);
    expect(transitions.map((t) => t.step)).toEqual([
      { stepId: police.id, status: 'skipped', outputs, error },
    ]);
  });

  it('holds a failed call for the hold period, shown failed, then ends the step failed', async () => {
    answers = [broken];
    const { result, rounds, elapsedMs, transitions } = await (await start({ failedStepHold: '2d' })).result();
    expect(result).toMatchObject({ status: 'failed', error: { code: failureTypes.departmentOutputInvalid } });
    expect(rounds).toBe(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(2 * day);
    expect(elapsedMs).toBeLessThan(3 * day);
    expect(transitions.map((t) => t.step?.status)).toEqual(['failed']);
  });

  it('calls again when an operator retries a failed call during its hold', async () => {
    answers = [broken, done];
    const handle = await start({ failedStepHold: '2d' });
    await timerStarted(handle);
    await handle.executeUpdate(repairStep, { args: [repair({})] });
    const { result, rounds, elapsedMs } = await handle.result();
    expect(result).toEqual({ status: 'completed' });
    expect(rounds).toBe(2);
    expect(elapsedMs).toBeLessThan(2 * day);
  });

  it('does not hold a failed call of an application started before the hold existed', async () => {
    answers = [broken];
    const features = allFeatures.filter((f) => f !== workflowFeatures.failedStepHold);
    const { result, elapsedMs } = await (await start({ failedStepHold: '2d', features })).result();
    expect(result).toMatchObject({ status: 'failed', error: { code: 'NotHeld' } });
    expect(elapsedMs).toBeLessThan(60_000);
  });
});

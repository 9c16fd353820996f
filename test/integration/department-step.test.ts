import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { beforeEach, describe, expect, it } from 'vitest';
import type {
  CallDepartmentInput,
  CallDepartmentResult,
  PollDepartmentResult,
} from '../../activities/types.js';
import { stepErrorCodes } from '../../schemas/error-codes.js';
import { workflowFeatures } from '../../workflows/features.js';
import { departmentDecision } from '../../workflows/messages.js';
import type { DepartmentDecisionUpdate } from '../../workflows/messages.js';
import { eventually } from '../support/eventually.js';
import type { departmentStep } from '../support/piece-workflows.js';
import { readerOf, refusal, stepDefinition } from '../support/step-definitions.js';
import { timeSkippingWorkerPerTest } from '../support/time-skipping.js';

// DepartmentSteps on its own (workflows/department-step.ts), on the time-skipping test server:
// a department call, and the durable wait for a department that decides later. The department
// is a stub whose answers each test sets.
const taskQueue = `department-step-${randomUUID()}`;
const police = stepDefinition('householdRegistration', { pollInterval: '30s', maxPollInterval: '2m' });
const reader = readerOf(police.id, ['citizenIdNumber']);
const outputs = { citizenIdNumber: '330106202611201234' };

let answer: (input: CallDepartmentInput) => Promise<CallDepartmentResult>;
let pollAnswers: PollDepartmentResult[] = [];
const calls: CallDepartmentInput[] = [];
/** When each poll was scheduled, in the test server's (skipped) time, and its activity id. */
const polledAt: number[] = [];
const pollIds: string[] = [];

const timeSkipping = timeSkippingWorkerPerTest(
  taskQueue,
  {
    async callDepartment(input: CallDepartmentInput) {
      calls.push(input);
      return answer(input);
    },
    async pollDepartment(): Promise<PollDepartmentResult> {
      polledAt.push(Context.current().info.currentAttemptScheduledTimestampMs);
      pollIds.push(Context.current().info.activityId);
      return pollAnswers.shift() ?? { pending: true };
    },
  },
  { workflowsPath: fileURLToPath(new URL('../support/piece-workflows.ts', import.meta.url)) },
);
beforeEach(() => {
  calls.length = 0;
  polledAt.length = 0;
  pollIds.length = 0;
  pollAnswers = [];
});

const start = (features: string[] = Object.values(workflowFeatures)) =>
  timeSkipping.env().client.workflow.start<typeof departmentStep>('departmentStep', {
    workflowId: `department-step-${randomUUID()}`,
    taskQueue,
    args: [{ step: police, readBack: reader, features }],
  });
const accepted = (receiptNumber: string, pollable: boolean) => async (): Promise<CallDepartmentResult> => ({
  accepted: true,
  receiptNumber,
  pollable,
});
const decision = (receiptNumber: string, more: Partial<DepartmentDecisionUpdate> = {}) => ({
  stepId: police.id,
  receiptNumber,
  outcome: 'completed' as const,
  outputs,
  ...more,
});
const calledOnce = () => eventually('the department call', async () => (calls.length > 0 ? true : undefined));

describe('DepartmentSteps (time skipping)', () => {
  it('completes a step the department decided at once; the call itself records it', async () => {
    answer = async () => ({ outputs, receiptNumber: 'R-0' });
    const { result, completed, readBack, transitions } = await (await start()).result();
    expect(result).toEqual({ status: 'completed' });
    expect(completed).toEqual([expect.objectContaining({ outputs, receiptNumber: 'R-0' })]);
    expect(readBack).toEqual(outputs);
    expect(transitions).toEqual([]);
    expect(calls[0]).toMatchObject({ idempotencyKey: `piece-test:${police.id}`, input: {} });
    expect(calls[0]).not.toHaveProperty('callKey');
  });

  it("waits for the department's callback, refusing a decision on another receipt or step", async () => {
    answer = accepted('R-1', false);
    const handle = await start();
    await calledOnce();
    expect(await refusal(handle, departmentDecision, decision('R-other'))).toMatch(
      /not waiting for a decision on R-other/,
    );
    expect(await refusal(handle, departmentDecision, { ...decision('R-1'), stepId: 'ghost' })).toMatch(
      /step ghost is not waiting/,
    );
    await handle.executeUpdate(departmentDecision, { args: [decision('R-1')] });
    const { result, completed, readBack, transitions } = await handle.result();
    expect(result).toEqual({ status: 'completed' });
    expect(completed).toEqual([expect.objectContaining({ receiptNumber: 'R-1' })]);
    expect(readBack).toEqual(outputs);
    // Nothing but the workflow saw the callback's decision: it records it.
    expect(transitions.map((t) => t.step?.status)).toEqual(['completed']);
  });

  it('keeps a decision that overtakes the workflow learning of the acceptance', async () => {
    answer = async () => {
      // The department decided at once and called back before the call returned.
      const workflowId = Context.current().info.workflowExecution?.workflowId ?? '';
      const handle = timeSkipping.env().client.workflow.getHandle(workflowId);
      await handle.executeUpdate(departmentDecision, { args: [decision('R-2')] });
      return accepted('R-2', false)();
    };
    const { result } = await (await start()).result();
    expect(result).toEqual({ status: 'completed' });
  });

  it('ends the step rejected on a rejecting callback, with the reason code', async () => {
    answer = accepted('R-3', false);
    const handle = await start();
    await calledOnce();
    await handle.executeUpdate(departmentDecision, {
      args: [decision('R-3', { outcome: 'rejected', reasonCode: 'NO_HOUSEHOLD', reason: 'no household' })],
    });
    const { result, completed, transitions } = await handle.result();
    const error = {
      code: stepErrorCodes.departmentRejected,
      message: 'no household',
      reasonCode: 'NO_HOUSEHOLD',
    };
    expect(result).toEqual({ status: 'rejected', error });
    expect(completed).toEqual([]);
    expect(transitions).toEqual([
      expect.objectContaining({ step: { stepId: police.id, status: 'rejected', error } }),
    ]);
  });

  it('polls at doubling intervals up to the longest, until the department has decided', async () => {
    answer = accepted('R-4', true);
    pollAnswers = [
      { pending: true },
      { pending: true },
      { pending: true },
      { pending: true },
      { pending: false, outputs },
    ];
    const { result, readBack, transitions } = await (await start()).result();
    expect(result).toEqual({ status: 'completed' });
    expect(readBack).toEqual(outputs);
    const gaps = polledAt.slice(1).map((at, i) => Math.floor((at - (polledAt[i] as number)) / 1000));
    expect(gaps).toEqual([60, 120, 120, 120]);
    // The poll that found the decision recorded it.
    expect(transitions).toEqual([]);
    // Each poll's activity id names its step, for operators' view of pending activities.
    expect(pollIds).toEqual([1, 2, 3, 4, 5].map((n) => `${police.id}-poll-${n}`));
  });

  it('leaves polls numbered by the SDK for an application started before polls had ids', async () => {
    answer = accepted('R-5', true);
    pollAnswers = [{ pending: true }, { pending: false, outputs }];
    const features = Object.values(workflowFeatures).filter((f) => f !== workflowFeatures.stepActivityIds);
    const { result } = await (await start(features)).result();
    expect(result).toEqual({ status: 'completed' });
    expect(pollIds).toHaveLength(2);
    for (const id of pollIds) expect(id).toMatch(/^\d+$/);
  });
});

import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CompensateDepartmentInput } from '../../activities/types.js';
import { stepErrorCodes } from '../../schemas/error-codes.js';
import { workflowFeatures } from '../../workflows/features.js';
import { withdraw } from '../../workflows/messages.js';
import { eventually } from '../support/eventually.js';
import { applicationEnded } from '../support/piece-workflows.js';
import type { withdrawnSteps } from '../support/piece-workflows.js';
import { planOfSteps, refusal, stepDefinition as step } from '../support/step-definitions.js';
import { timeSkippingWorkerPerTest } from '../support/time-skipping.js';

// Withdrawal and compensation on their own (workflows/withdrawal.ts, workflows/compensation.ts),
// on the time-skipping test server. Three steps complete at once, the fourth waits a day; the
// undo of `seal` fails at its department.
const taskQueue = `withdrawal-${randomUUID()}`;
const undone: string[] = [];
const undoIds: string[] = [];
const timeSkipping = timeSkippingWorkerPerTest(
  taskQueue,
  {
    async compensateDepartment(input: CompensateDepartmentInput) {
      undone.push(input.stepId);
      undoIds.push(Context.current().info.activityId);
      if (input.stepId === 'seal')
        throw ApplicationFailure.nonRetryable('the seal is already cut', 'UndoRefused');
    },
  },
  { workflowsPath: fileURLToPath(new URL('../support/piece-workflows.ts', import.meta.url)) },
);
beforeEach(() => {
  undone.length = 0;
  undoIds.length = 0;
});

const plan = planOfSteps([
  step('registration', { compensable: true }),
  step('notice'),
  step('seal', { compensable: true }),
  step('bankAccount', { compensable: true }),
]);
const start = (features: string[] = Object.values(workflowFeatures)) =>
  timeSkipping.env().client.workflow.start<typeof withdrawnSteps>('withdrawnSteps', {
    workflowId: `withdrawal-${randomUUID()}`,
    taskQueue,
    args: [{ plan, waitFrom: 3, features }],
  });
const waiting = (handle: Awaited<ReturnType<typeof start>>) =>
  eventually('the waiting step', async () =>
    (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes) ? true : undefined,
  );

describe('Withdrawal and compensation (time skipping)', () => {
  it('ends the waiting step naming the operator, and undoes the completed steps latest first', async () => {
    const handle = await start();
    await waiting(handle);
    const withdrawal = { reason: 'duplicate application', by: 'operator 王' };
    expect(await handle.executeUpdate(withdraw, { args: [withdrawal] })).toBe('withdrawing');
    expect(await refusal(handle, withdraw, withdrawal)).toMatch(/already being withdrawn/);
    await eventually('the end', async () => ((await handle.query(applicationEnded)) ? true : undefined));
    expect(await refusal(handle, withdraw, withdrawal)).toMatch(/already ended/);

    const { steps, transitions } = await handle.result();
    expect(steps.bankAccount).toEqual({
      status: 'skipped',
      error: {
        code: stepErrorCodes.withdrawn,
        message: 'withdrawn by operator 王 (duplicate application) before the department decided',
      },
    });
    // Latest first; a step its department cannot undo stays completed.
    expect(undone).toEqual(['seal', 'registration']);
    // Each undo's activity id names its step, for operators' view of pending activities.
    expect(undoIds).toEqual(['seal-undo', 'registration-undo']);
    expect(steps.registration).toEqual({ status: 'compensated' });
    expect(steps.notice).toEqual({ status: 'completed' });
    // A failed undo stays on the step for operators.
    expect(steps.seal).toMatchObject({
      status: 'failed',
      error: { code: stepErrorCodes.compensationFailed, message: expect.stringContaining('already cut') },
    });
    expect(transitions.map((t) => [t.step?.stepId, t.step?.status])).toEqual([
      ['seal', 'failed'],
      ['registration', 'compensated'],
    ]);
  });

  it('names the applicant when the applicant withdrew', async () => {
    // An application started before undos had ids: the SDK numbers them, as its history holds.
    const handle = await start([]);
    await waiting(handle);
    await handle.executeUpdate(withdraw, { args: [{ reason: 'moved abroad' }] });
    const { steps } = await handle.result();
    expect(steps.bankAccount?.error?.message).toBe(
      'withdrawn by the applicant before the department decided',
    );
    for (const id of undoIds) expect(id).toMatch(/^\d+$/);
  });
});

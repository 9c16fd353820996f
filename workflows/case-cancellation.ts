import { ActivityFailure, CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { DepartmentActivities } from '../activities/types.js';
import type { BundlePlan, StepDefinition } from '../schemas/bundle.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import type { BundleOutcome, StepError } from '../schemas/workflow.js';
import { cancelActivityId } from './activity-ids.js';
import type { DepartmentPauses } from './department-pauses.js';
import type { ProjectionQueue } from './projection.js';
import { stepIdempotencyKey } from './step-inputs.js';
import type { StepOutputs } from './step-outputs.js';

/** Retried a few times, like an undo; one that still fails stays visible for operators. */
const cancelActivities = (activityId: string) =>
  proxyActivities<DepartmentActivities>({
    activityId,
    startToCloseTimeout: '30s',
    retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
  });

export interface CaseCancellationDeps {
  applicationId: string;
  plan: BundlePlan;
  projection: ProjectionQueue;
  pauses: DepartmentPauses;
  outputs: StepOutputs;
  /** The receipt of a step's accepted, undecided case. */
  undecidedCase: (stepId: string) => string | undefined;
  /** Who withdrew, for the step's message. */
  withdrawnBy: () => string;
}

/**
 * After a withdrawal: each department that accepted a case and had not decided it is told to
 * cancel it, so it stops working on a case nobody wants. Its answer is shown on the step:
 * cancelled (skipped, naming the case); decided in favour before the cancellation arrived
 * (completed, so the compensation that follows undoes it); decided against (rejected). A
 * cancellation that cannot be delivered fails the step for an operator, never silently.
 */
export async function cancelUndecidedCases(
  deps: CaseCancellationDeps,
  steps: BundleOutcome['steps'],
): Promise<void> {
  const open = deps.plan.steps.flatMap((step) => {
    const receiptNumber = deps.undecidedCase(step.id);
    return receiptNumber !== undefined && steps[step.id]?.status === 'skipped'
      ? [{ step, receiptNumber }]
      : [];
  });
  await Promise.all(
    open.map(async ({ step, receiptNumber }) => {
      steps[step.id] = await cancelCase(deps, step, receiptNumber);
    }),
  );
}

async function cancelCase(
  deps: CaseCancellationDeps,
  step: StepDefinition,
  receiptNumber: string,
): Promise<BundleOutcome['steps'][string]> {
  const { applicationId, projection } = deps;
  const push = (status: 'skipped' | 'rejected' | 'failed', error: StepError) => {
    projection.push({ step: { stepId: step.id, status, error } });
    return { status, error };
  };
  try {
    // Not cancellable: the withdrawal cancelled the steps, not the telling of departments.
    const answer = await CancellationScope.nonCancellable(() =>
      deps.pauses.callUnlessPaused(step.department, (pausedBefore) =>
        cancelActivities(cancelActivityId(step.id, pausedBefore)).cancelDepartmentCase({
          applicationId,
          stepId: step.id,
          department: step.department,
          service: step.service,
          receiptNumber,
          idempotencyKey: stepIdempotencyKey(applicationId, step.id),
        }),
      ),
    );
    switch (answer.status) {
      case 'cancelled':
        return push('skipped', {
          code: stepErrorCodes.withdrawn,
          message: `withdrawn by ${deps.withdrawnBy()} before the department decided; ${step.department} cancelled case ${receiptNumber}`,
        });
      case 'decided': {
        const issued = answer.receiptNumber ?? receiptNumber;
        deps.outputs.complete({ step, outputs: answer.outputs, receiptNumber: issued });
        projection.push({
          step: { stepId: step.id, status: 'completed', outputs: answer.outputs, error: null },
        });
        return { status: 'completed' };
      }
      case 'rejected':
        return push('rejected', {
          code: stepErrorCodes.departmentRejected,
          message: answer.reason,
          reasonCode: answer.reasonCode,
        });
      case 'cannot-cancel':
        return push('skipped', {
          code: stepErrorCodes.withdrawn,
          message: `withdrawn by ${deps.withdrawnBy()} before the department decided; ${step.department} cannot be told to cancel case ${receiptNumber}`,
        });
    }
  } catch (err) {
    const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
    return push('failed', {
      code: stepErrorCodes.cancellationFailed,
      message: `${step.department} could not be told to cancel case ${receiptNumber}: ${cause instanceof Error ? cause.message : String(cause)}`,
    });
  }
}

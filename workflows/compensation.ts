import { ActivityFailure, CancellationScope, proxyActivities } from '@temporalio/workflow';
import type { DepartmentActivities } from '../activities/types.js';
import type { StepDefinition } from '../schemas/bundle.js';
import type { BundleOutcome, StepError } from '../schemas/workflow.js';
import type { DepartmentPauses } from './department-pauses.js';
import type { ProjectionQueue } from './projection.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import { undoActivityId } from './activity-ids.js';
import { workflowFeatures } from './features.js';
import { stepIdempotencyKey } from './step-inputs.js';

/**
 * An undo is retried a few times; one that still fails stays visible for operators. `activityId`
 * names the step (activity-ids.ts); without it the SDK numbers the undo, as it did before.
 */
const undoActivities = (activityId: string | undefined) =>
  proxyActivities<DepartmentActivities>({
    ...(activityId ? { activityId } : {}),
    startToCloseTimeout: '30s',
    retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 5 },
  });

export interface CompletedStep {
  step: StepDefinition;
  outputs: Record<string, unknown>;
  receiptNumber?: string;
}

/**
 * Asks departments to undo completed steps, latest first (so dependants are undone before
 * what they depended on). Steps whose department cannot undo stay completed. A failed undo is
 * recorded on the step, never dropped.
 */
export async function compensate(
  applicationId: string,
  completed: readonly CompletedStep[],
  steps: BundleOutcome['steps'],
  projection: ProjectionQueue,
  pauses: DepartmentPauses,
  hasFeature: (id: string) => boolean,
): Promise<void> {
  for (const { step, outputs, receiptNumber } of [...completed].reverse()) {
    if (!step.compensable) continue;
    try {
      // Not cancellable: a withdrawal has already cancelled the steps, not their undoing. An undo
      // for a paused department waits for it like any call.
      await CancellationScope.nonCancellable(() =>
        pauses.callUnlessPaused(step.department, (pausedBefore) =>
          undoActivities(
            hasFeature(workflowFeatures.stepActivityIds) ? undoActivityId(step.id, pausedBefore) : undefined,
          ).compensateDepartment({
            applicationId,
            stepId: step.id,
            department: step.department,
            service: step.service,
            outputs,
            ...(receiptNumber ? { receiptNumber } : {}),
            idempotencyKey: stepIdempotencyKey(applicationId, step.id),
          }),
        ),
      );
      projection.push({ step: { stepId: step.id, status: 'compensated', error: null } });
      steps[step.id] = { status: 'compensated' };
    } catch (err) {
      const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
      const error: StepError = {
        code: stepErrorCodes.compensationFailed,
        message: `${step.department} could not undo the step: ${cause instanceof Error ? cause.message : String(cause)}`,
      };
      projection.push({ step: { stepId: step.id, status: 'failed', error } });
      steps[step.id] = { status: 'failed', error };
    }
  }
}

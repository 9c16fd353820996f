import { proxyActivities } from '@temporalio/workflow';
import type { DepartmentActivities } from '../activities/types.js';
import type { StepDefinition } from '../schemas/bundle.js';
import { durationMs } from '../schemas/durations.js';

/** The department call of a step: its activity id, timeout and retry policy from the definition. */
export function departmentActivitiesFor(
  step: StepDefinition,
  round = 0,
  pausedBefore = 0,
): DepartmentActivities {
  // A retry asked by an operator is a new call, with its own id: the abandoned one may still be
  // closing. So is a call made again after its department was resumed.
  const retryId = round === 0 ? step.id : `${step.id}-retry-${round}`;
  return proxyActivities<DepartmentActivities>({
    activityId: pausedBefore === 0 ? retryId : `${retryId}-resumed-${pausedBefore}`,
    startToCloseTimeout: durationMs(step.callTimeout),
    retry: {
      initialInterval: durationMs(step.retry.initialInterval),
      backoffCoefficient: step.retry.backoffCoefficient,
      maximumInterval: durationMs(step.retry.maximumInterval),
      // 0 in a definition means unlimited, which Temporal expresses by leaving it out.
      ...(step.retry.maximumAttempts > 0 ? { maximumAttempts: step.retry.maximumAttempts } : {}),
    },
  });
}

/** Polls are short calls; a department being away only delays the decision. */
export function pollingActivitiesFor(step: StepDefinition): DepartmentActivities {
  return proxyActivities<DepartmentActivities>({
    startToCloseTimeout: durationMs(step.callTimeout),
    retry: {
      initialInterval: durationMs(step.retry.initialInterval),
      backoffCoefficient: step.retry.backoffCoefficient,
      maximumInterval: durationMs(step.retry.maximumInterval),
    },
  });
}

import { proxyActivities } from '@temporalio/workflow';
import type { DepartmentActivities } from '../activities/types.js';
import type { StepDefinition } from '../schemas/bundle.js';
import { callActivityId, supplementActivityId } from './activity-ids.js';
import { callBudgetMs } from './call-budget.js';
import { durationMs } from '../schemas/durations.js';

/**
 * The department call of a step: its activity id, timeout and retry policy from the definition.
 * `scheduleToCloseTimeout` is the call's budget: Temporal counts it over every attempt and the
 * waits between them, and ends the call when it is spent (or schedules no retry that would start
 * after it), so a failing call ends and the failed-call hold takes over.
 */
export function departmentActivitiesFor(
  step: StepDefinition,
  round = 0,
  pausedBefore = 0,
  activityId = callActivityId(step.id, round, pausedBefore),
): DepartmentActivities {
  // A retry asked by an operator is a new call, with its own id: the abandoned one may still be
  // closing. So is a call made again after its department was resumed. Each has a fresh budget.
  return proxyActivities<DepartmentActivities>({
    activityId,
    startToCloseTimeout: durationMs(step.callTimeout),
    scheduleToCloseTimeout: callBudgetMs(step),
    retry: {
      initialInterval: durationMs(step.retry.initialInterval),
      backoffCoefficient: step.retry.backoffCoefficient,
      maximumInterval: durationMs(step.retry.maximumInterval),
      // 0 in a definition means no limit on attempts, which Temporal expresses by leaving it out.
      ...(step.retry.maximumAttempts > 0 ? { maximumAttempts: step.retry.maximumAttempts } : {}),
    },
  });
}

/**
 * Polls are short calls; a department being away only delays the decision. Each poll is bounded
 * by the same budget as the call, so a department that keeps failing to answer about its case
 * (down, or answering a lost case with 404) ends up held for an operator instead of polled forever.
 * `activityId` names the step (activity-ids.ts); without it the SDK numbers the poll, as it did before.
 */
export function pollingActivitiesFor(step: StepDefinition, activityId?: string): DepartmentActivities {
  return proxyActivities<DepartmentActivities>({
    ...(activityId ? { activityId } : {}),
    startToCloseTimeout: durationMs(step.callTimeout),
    scheduleToCloseTimeout: callBudgetMs(step),
    retry: {
      initialInterval: durationMs(step.retry.initialInterval),
      backoffCoefficient: step.retry.backoffCoefficient,
      maximumInterval: durationMs(step.retry.maximumInterval),
    },
  });
}

/**
 * The applicant's supplements sent to the case of the step's call in `round`: a call like the
 * first, with its timeout, retries and budget, under an id of its own (activity-ids.ts).
 */
export function supplementActivitiesFor(
  step: StepDefinition,
  round: number,
  supplementRound: number,
  pausedBefore: number,
): DepartmentActivities {
  return departmentActivitiesFor(
    step,
    round,
    pausedBefore,
    supplementActivityId(step.id, round, supplementRound, pausedBefore),
  );
}

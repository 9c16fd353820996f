import type { StepDefinition } from '../schemas/bundle.js';
import { durationMs } from '../schemas/durations.js';

const day = durationMs('1d');

/**
 * How long a step's department call may go on being retried, in milliseconds: the step's
 * `retry.budget` when its definition sets one; otherwise one calendar day per promised working
 * day (`timeLimitWorkingDays`), at least one day. N working days never span fewer than N calendar
 * days, so a call on a multi-day item gives up before the item falls due, leaving the operator
 * the rest of the promised time to repair it; a same-day item still gets a day, so that a
 * department's night-time outage does not fail it.
 */
export function callBudgetMs(step: Pick<StepDefinition, 'retry' | 'timeLimitWorkingDays'>): number {
  if (step.retry.budget !== undefined) return durationMs(step.retry.budget);
  return Math.max(step.timeLimitWorkingDays, 1) * day;
}

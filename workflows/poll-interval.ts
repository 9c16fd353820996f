import { durationMs } from '../schemas/durations.js';

const day = durationMs('1d');

/**
 * The wait before the next poll of a case a department accepted: the previous wait doubled, up
 * to the step's `maxPollInterval`. Once the case has waited a day, polls are also at least a 24th
 * of the time waited apart (an hour after a day, ten hours after ten days), up to a day (or the
 * step's own maximum, if longer). Each poll adds about a dozen events to the workflow's history:
 * at one an hour, a case waiting half a year would reach Temporal's limit of 51,200 events and be
 * terminated; spaced this way, a month of waiting takes about 115 polls, and each later day one.
 */
export function nextPollInterval(previousMs: number, maxIntervalMs: number, waitedMs: number): number {
  const doubled = Math.min(previousMs * 2, maxIntervalMs);
  if (waitedMs < day) return doubled;
  return Math.max(doubled, Math.min(waitedMs / 24, Math.max(maxIntervalMs, day)));
}

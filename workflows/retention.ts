import { proxyActivities } from '@temporalio/workflow';
import type { RetentionActivities, RetentionRunResult } from '../activities/types.js';

const { runRetention } = proxyActivities<RetentionActivities>({
  // A backlog (the first run after a long outage) is erased in batches within one attempt.
  startToCloseTimeout: '30m',
  retry: { initialInterval: '10s', maximumInterval: '10m', maximumAttempts: 10 },
});

/**
 * One run of the retention schedule: erases the personal data now due and purges expired log
 * entries. `new Date()` is the workflow's own time (the schedule's action time), so a replay
 * or a retry asks the same question.
 */
export async function retentionRun(): Promise<RetentionRunResult> {
  return runRetention({ now: new Date().toISOString() });
}

import { ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Client, ScheduleOptionsAction, ScheduleSpec } from '@temporalio/client';
import { retentionScheduleId } from '../temporal/ids.js';

/** The workflow type each run of the retention schedule starts (`workflows/retention.ts`). */
export const retentionWorkflowType = 'retentionRun';

/**
 * Creates the retention schedule of this deployment's task queue, or brings an existing one to
 * these settings: a Temporal schedule, so a run happens once however many API processes start,
 * and a missed run (everything down) is caught up. Runs never overlap.
 */
export async function ensureRetentionSchedule(
  client: Client,
  options: { taskQueue: string; every: string },
): Promise<string> {
  const scheduleId = retentionScheduleId(options.taskQueue);
  const spec: ScheduleSpec = { intervals: [{ every: options.every as `${number}d` }] };
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: retentionWorkflowType,
    taskQueue: options.taskQueue,
    workflowId: scheduleId,
    args: [],
  };
  try {
    await client.schedule.create({
      scheduleId,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1d' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
  return scheduleId;
}

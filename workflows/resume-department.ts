import { continueAsNew, getExternalWorkflowHandle, proxyActivities, sleep } from '@temporalio/workflow';
import type { DepartmentPauseActivities } from '../activities/types.js';
import { applicationWorkflowId } from '../temporal/ids.js';
import { departmentResumed } from './messages.js';

const pausedSteps = proxyActivities<DepartmentPauseActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

export interface ResumeDepartmentInput {
  department: string;
  /** Applications woken per second, so the department is not flooded the moment it is back. */
  ratePerSecond: number;
  /** Where the previous run stopped (continue-as-new); null at the start. */
  after?: string | null;
  /** Applications woken so far, across runs. */
  woken?: number;
}

/** Applications per run: each signal adds two events, so a run's history stays small. */
const pageSize = 200;

/**
 * After an outage, wakes each application waiting for the department, `ratePerSecond` at a
 * time. Durable: a crash or restart continues where it stopped. An application that ended
 * meanwhile is passed over; one whose signal is lost calls again at its own recheck.
 */
export async function resumeDepartment(input: ResumeDepartmentInput): Promise<{ woken: number }> {
  const { department } = input;
  const rate = Math.max(1, Math.floor(input.ratePerSecond));
  let woken = input.woken ?? 0;
  const page = await pausedSteps.applicationsPausedOn({
    department,
    after: input.after ?? null,
    limit: pageSize,
  });
  for (let i = 0; i < page.length; i += rate) {
    if (i > 0) await sleep('1s');
    const batch = page.slice(i, i + rate);
    const sent = await Promise.allSettled(
      batch.map((id) =>
        getExternalWorkflowHandle(applicationWorkflowId(id)).signal(departmentResumed, { department }),
      ),
    );
    woken += sent.filter((result) => result.status === 'fulfilled').length;
  }
  if (page.length === pageSize) {
    await sleep('1s');
    await continueAsNew<typeof resumeDepartment>({ ...input, after: page[page.length - 1] ?? null, woken });
  }
  return { woken };
}

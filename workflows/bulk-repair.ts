import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { BulkActionActivities, BulkRepairOutcome, CancelBulkRepairSignal } from '../activities/types.js';
import type { BulkRepairInput } from './bulk-repair-contract.js';
import { cancelBulkRepair } from './bulk-repair-contract.js';

/** The longest batch: the API allows at most 50 repairs a second. */
const maxBatch = 50;
/** Batches per run before continuing as new: about a dozen events each keep every run's history small. */
const batchesPerRun = 100;

const bulk = proxyActivities<BulkActionActivities>({
  // A batch sends at most 50 repairs one after another, each with its own deadline, heartbeating.
  startToCloseTimeout: '15m',
  heartbeatTimeout: '1m',
  // A second at least before a retry, so a batch cut short and its retry never share one second.
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
});

/**
 * Works through a bulk action's items (snapshotted in PostgreSQL when it started), throttled:
 * a batch of `ratePerSecond` items, then a full second on a workflow timer before the next, so
 * at most `ratePerSecond` repairs go out in any one second. A cancel stops it after the item in
 * progress. Durable: a crash or a restart continues with the items still pending.
 */
export async function bulkRepair(input: BulkRepairInput): Promise<BulkRepairOutcome> {
  const { bulkActionId } = input;
  let cancel: CancelBulkRepairSignal | undefined;
  setHandler(cancelBulkRepair, (signal) => {
    cancel ??= signal;
  });
  const limit = Math.min(maxBatch, Math.max(1, Math.floor(input.ratePerSecond)));
  for (let batch = 0; !cancel; batch += 1) {
    if (batch === batchesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof bulkRepair>(input);
    }
    const result = await bulk.repairBulkItems({ bulkActionId, limit });
    if (result.pending === 0 || result.cancelRequested) break;
    // The next batch starts a full second after this one ended (sooner only to stop).
    await condition(() => cancel !== undefined, '1s');
  }
  return bulk.finishBulkAction({ bulkActionId, ...(cancel ? { cancel } : {}) });
}

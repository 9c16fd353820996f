import { defineSignal } from '@temporalio/workflow';

/** Starts (and continues) the `bulkRepair` workflow of one bulk action stored in PostgreSQL. */
export interface BulkRepairInput {
  bulkActionId: string;
  /** At most this many repairs are sent in any one second. */
  ratePerSecond: number;
}

/** How a bulk action ended. */
export interface BulkRepairOutcome {
  state: 'completed' | 'cancelled';
}

/** Who stops a bulk action, and why. */
export interface CancelBulkRepairSignal {
  reason: string;
  /** "<role> <name> (<key id>)". */
  by: string;
}

/**
 * Stops a bulk action after the item in progress; the items not reached stay pending. The API
 * records the cancel in PostgreSQL first (the activity checks it before every item); the signal
 * ends the workflow's wait between batches and keeps the cancel in its history.
 */
export const cancelBulkRepair = defineSignal<[CancelBulkRepairSignal]>('cancelBulkRepair');

/** Result of one batch of items. */
export interface RepairBulkItemsResult {
  /** Items this attempt acted on (done, refused or failed). */
  handled: number;
  /** Items still pending after the batch. */
  pending: number;
  /** A cancel was asked for: the batch stopped before its next item. */
  cancelRequested: boolean;
}

/** The activities the `bulkRepair` workflow calls (`createBulkActionActivities`). */
export interface BulkActionActivities {
  /**
   * Sends the repair to the workflows of at most `limit` pending items, one after another,
   * recording each result and its audit entry; stops early when a cancel was asked for.
   */
  repairBulkItems(input: { bulkActionId: string; limit: number }): Promise<RepairBulkItemsResult>;
  /** Ends the job in PostgreSQL: `cancelled` if it was cancelled with items left, else `completed`. */
  finishBulkAction(input: {
    bulkActionId: string;
    cancel?: CancelBulkRepairSignal;
  }): Promise<BulkRepairOutcome>;
}

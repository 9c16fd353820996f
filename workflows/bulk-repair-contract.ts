import { defineSignal } from '@temporalio/workflow';
import type { CancelBulkRepairSignal } from '../activities/types.js';

/** Starts (and continues) the `bulkRepair` workflow of one bulk action stored in PostgreSQL. */
export interface BulkRepairInput {
  bulkActionId: string;
  /** At most this many repairs are sent in any one second. */
  ratePerSecond: number;
}

/**
 * Stops a bulk action after the item in progress; the items not reached stay pending. The API
 * records the cancel in PostgreSQL first (the activity checks it before every item); the signal
 * ends the workflow's wait between batches and keeps the cancel in its history.
 */
export const cancelBulkRepair = defineSignal<[CancelBulkRepairSignal]>('cancelBulkRepair');

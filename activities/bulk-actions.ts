import { ApplicationFailure, Context } from '@temporalio/activity';
import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { recordAudit } from '../db/audit-log.js';
import {
  countPendingBulkItems,
  finishBulkAction,
  nextBulkItem,
  recordBulkItemResult,
} from '../db/bulk-actions.js';
import type { NextBulkItem } from '../db/bulk-actions.js';
import type { BulkItemState } from '../schemas/bulk-actions.js';
import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { maskText } from '../privacy/mask.js';
import { problemCodes } from '../schemas/error-codes.js';
import { applicationWorkflowId } from '../temporal/ids.js';
import { repairStepUpdateName } from '../schemas/repair-actions.js';
import type { RepairStepUpdate } from '../schemas/repair-actions.js';
import type { BulkActionActivities } from './types.js';

export interface BulkActionActivityDeps {
  pool: Pool;
  /** Reaches the applications' workflows; the worker's own client (same connection and codec) when unset. */
  temporal?: () => Client;
}

/** How long one application's workflow has to take or refuse a repair before the item counts as failed. */
const repairDeadlineMs = 15_000;

/** Tries of a batch that cannot reach Temporal before the item it stopped at counts as failed. */
const serviceErrorTries = 5;

/** An item's result as recorded, and what its audit entry says. */
interface ItemOutcome {
  state: Exclude<BulkItemState, 'pending'>;
  /** Why it was refused or failed. */
  result: string | null;
  audit: string;
}

/**
 * The bulk action job's work: each item is a `repairStep` update to one application's workflow,
 * its result and audit entry recorded together. A refusal (the step is no longer in progress,
 * the application ended) is a result of the item, not an error of the job.
 */
export function createBulkActionActivities(deps: BulkActionActivityDeps): BulkActionActivities {
  const temporal = deps.temporal ?? (() => Context.current().client);

  async function sendRepair(
    bulkActionId: string,
    job: NextBulkItem,
    item: NonNullable<NextBulkItem['item']>,
  ): Promise<ItemOutcome> {
    const client = temporal();
    const update: RepairStepUpdate = {
      stepId: item.step_id,
      action: job.action,
      reason: job.reason,
      operator: `${job.started_by_role} ${job.started_by_name} (bulk action ${bulkActionId})`,
    };
    try {
      await client.withDeadline(Date.now() + repairDeadlineMs, () =>
        client.workflow
          .getHandle(applicationWorkflowId(item.application_id))
          // The same id when a retried activity sends it again: the workflow applies it once.
          .executeUpdate<unknown, [RepairStepUpdate]>(repairStepUpdateName, {
            args: [update],
            updateId: `bulk-${bulkActionId}-${item.seq}`,
          }),
      );
      return { state: 'done', result: null, audit: 'ok' };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const reason = err.cause instanceof Error ? err.cause.message : err.message;
        return { state: 'refused', result: maskText(reason), audit: problemCodes.stepNotRepairable };
      }
      if (err instanceof WorkflowNotFoundError) {
        return {
          state: 'refused',
          result: 'the application has ended',
          audit: problemCodes.stepNotRepairable,
        };
      }
      const context = Context.current();
      if (context.cancellationSignal.aborted) throw err;
      // Temporal unavailable, or the workflow busy (too many updates in flight): the item stays
      // pending and the batch is tried again; after a few tries it fails, not to hold up the job.
      if (err instanceof ServiceError && context.info.attempt < serviceErrorTries) throw err;
      // Not taken in time (its workflow makes no progress): this item fails, the job goes on.
      const message = err instanceof Error ? err.message : String(err);
      return {
        state: 'failed',
        result: maskText(`not delivered: ${message}`).slice(0, 500),
        audit: 'failed',
      };
    }
  }

  return {
    async repairBulkItems({ bulkActionId, limit }) {
      for (let handled = 0; ; handled += 1) {
        const job = await nextBulkItem(deps.pool, bulkActionId);
        if (!job) {
          throw ApplicationFailure.nonRetryable(
            `no bulk action ${bulkActionId}`,
            problemCodes.bulkActionNotFound,
          );
        }
        const { item } = job;
        if (job.cancel_requested || !item || handled >= limit) {
          const pending = item ? await countPendingBulkItems(deps.pool, bulkActionId) : 0;
          return { handled, pending, cancelRequested: job.cancel_requested };
        }
        Context.current().heartbeat(handled);
        const sentAt = new Date();
        const outcome = await sendRepair(bulkActionId, job, item);
        await withTransaction(deps.pool, async (db) => {
          const recorded = await recordBulkItemResult(db, {
            bulkActionId,
            seq: item.seq,
            state: outcome.state,
            result: outcome.result,
            sentAt,
          });
          // Recorded once: an item a retried activity finds already recorded has its entry.
          if (!recorded) return;
          await recordAudit(db, {
            actorKey: job.started_by_key,
            actorName: job.started_by_name,
            role: job.started_by_role,
            action: `bulk.${job.action}`,
            applicationId: item.application_id,
            stepId: item.step_id,
            target: bulkActionId,
            reason: job.reason,
            result: outcome.audit,
            detail: {
              bulkActionId,
              seq: item.seq,
              ...(outcome.result === null ? {} : { message: outcome.result }),
            },
          });
        });
      }
    },

    async finishBulkAction({ bulkActionId, cancel }) {
      const state = await finishBulkAction(deps.pool, bulkActionId, cancel);
      // `stopped` is only set once the workflow is gone, so it cannot be this workflow's end.
      if (!state || state === 'running' || state === 'stopped') {
        throw ApplicationFailure.nonRetryable(
          `no bulk action ${bulkActionId}`,
          problemCodes.bulkActionNotFound,
        );
      }
      return { state };
    },
  };
}

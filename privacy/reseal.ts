import { listClearCells, replaceClearCell, sealedColumns } from '../db/clear-rows.js';
import type { Pool } from '../db/pool.js';
import { sealerOf } from '../db/sealing.js';
import type { StepError } from '../schemas/workflow.js';
import type { DataKeys } from './data-keys.js';

/** What one pass of `resealStoredData` changed. */
export interface ResealResult {
  /** Data keys moved from a former keyring key to the current one. */
  rewrapped: number;
  /** Data keys wrapped by a key the keyring no longer lists: their applications cannot be read. */
  unreadable: number;
  /** Cells stored in clear before encryption at rest, now sealed. */
  sealed: number;
}

/**
 * Brings what is stored up to the current keys, in batches, while the service runs: data keys
 * wrapped by a former keyring key are re-wrapped (the data they encrypt needs no change), and
 * personal cells written in clear before encryption at rest are sealed with their application's
 * data key. Safe in several processes at once: each change applies only to the value it read.
 */
export async function resealStoredData(
  pool: Pool,
  dataKeys: DataKeys,
  options: { batch?: number; signal?: AbortSignal } = {},
): Promise<ResealResult> {
  const batch = options.batch ?? 200;
  const { rewrapped, unreadable } = await dataKeys.rewrapAll(batch);
  const sealer = sealerOf(pool);
  let sealed = 0;
  for (const column of sealedColumns) {
    for (;;) {
      if (options.signal?.aborted) return { rewrapped, unreadable, sealed };
      const cells = await listClearCells(pool, column, batch);
      if (cells.length === 0) break;
      let changed = 0;
      for (const cell of cells) {
        const value =
          column.part === 'message'
            ? {
                ...(cell.value as StepError),
                message: await sealer.seal(cell.application_id, (cell.value as StepError).message),
              }
            : await sealer.seal(cell.application_id, cell.value);
        if (await replaceClearCell(pool, column, cell, value)) changed += 1;
      }
      sealed += changed;
      // Every cell of the batch changed under us: read again rather than spin on the same rows.
      if (changed === 0 && cells.length < batch) break;
    }
  }
  return { rewrapped, unreadable, sealed };
}

import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

/**
 * Temporal's hard limits on one workflow's history: past either, the server terminates the
 * workflow (it warns at a fifth of each).
 */
export const historyLimits = { events: 51_200, bytes: 50 * 1024 * 1024 } as const;

/** How big a workflow's history is: its events, and its size as the server stores it (protobuf). */
export interface HistoryFigures {
  events: number;
  bytes: number;
}

/** Measures `handle`'s history as it is now. */
export async function historyFigures(handle: WorkflowHandle): Promise<HistoryFigures> {
  const history = await handle.fetchHistory();
  return {
    events: history.events?.length ?? 0,
    bytes: temporal.api.history.v1.History.encode(history).finish().byteLength,
  };
}

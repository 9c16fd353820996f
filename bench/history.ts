import type { Client } from '@temporalio/client';

/** Events of one workflow's history by type, e.g. `{ activityTaskScheduled: 7, markerRecorded: 9 }`. */
export type EventCounts = Record<string, number>;

/**
 * Counts a closed workflow's history events by type. The type is read from whichever
 * `…EventAttributes` field the event carries, so no proto enum has to be imported.
 */
export async function countHistoryEvents(client: Client, workflowId: string): Promise<EventCounts> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const counts: EventCounts = { total: 0 };
  for (const event of history.events ?? []) {
    const key = Object.keys(event).find(
      (k) => k.endsWith('EventAttributes') && event[k as keyof typeof event] != null,
    );
    const type = key ? key.slice(0, -'EventAttributes'.length) : 'unknown';
    counts[type] = (counts[type] ?? 0) + 1;
    counts.total = (counts.total ?? 0) + 1;
  }
  return counts;
}

/** Per event type, over several workflows: timing decides how many workflow tasks a run takes. */
export type EventSpread = Record<string, { mean: number; min: number; max: number }>;

export async function spreadOfHistories(
  client: Client,
  workflowIds: readonly string[],
): Promise<EventSpread> {
  const all: EventCounts[] = [];
  for (const id of workflowIds) all.push(await countHistoryEvents(client, id));
  const types = [...new Set(all.flatMap((c) => Object.keys(c)))];
  return Object.fromEntries(
    types.map((type) => {
      const values = all.map((c) => c[type] ?? 0);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return [type, { mean, min: Math.min(...values), max: Math.max(...values) }];
    }),
  );
}

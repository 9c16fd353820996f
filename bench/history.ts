import type { Client } from '@temporalio/client';

/** Events of one workflow's history by type, e.g. `{ activityTaskScheduled: 7, markerRecorded: 9 }`. */
export type EventCounts = Record<string, number>;

/** Payloads in histories by their `encoding` metadata, e.g. `{ 'json/plain': 31 }`. */
export type EncodingCounts = Record<string, number>;

interface HistoryCounts {
  events: EventCounts;
  encodings: EncodingCounts;
}

/**
 * Counts a closed workflow's history events by type, and its payloads by encoding (what the
 * server holds: `binary/encrypted` under the payload codec). The type is read from whichever
 * `…EventAttributes` field the event carries, so no proto enum has to be imported.
 */
export async function countHistory(client: Client, workflowId: string): Promise<HistoryCounts> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events: EventCounts = { total: 0 };
  const encodings: EncodingCounts = {};
  for (const event of history.events ?? []) {
    const key = Object.keys(event).find(
      (k) => k.endsWith('EventAttributes') && event[k as keyof typeof event] != null,
    );
    const type = key ? key.slice(0, -'EventAttributes'.length) : 'unknown';
    events[type] = (events[type] ?? 0) + 1;
    events.total = (events.total ?? 0) + 1;
    if (key) tallyEncodings(event[key as keyof typeof event], encodings);
  }
  return { events, encodings };
}

/** Every payload under `value` (inputs, results, headers, markers, failures' details). */
function tallyEncodings(value: unknown, into: EncodingCounts, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 12 || ArrayBuffer.isView(value)) return;
  const metadata = (value as { metadata?: Record<string, Uint8Array | null> }).metadata;
  const encoding = metadata?.encoding;
  if (encoding && ArrayBuffer.isView(encoding)) {
    const name = Buffer.from(encoding).toString('utf8');
    into[name] = (into[name] ?? 0) + 1;
    return;
  }
  for (const child of Object.values(value)) tallyEncodings(child, into, depth + 1);
}

/** Per event type, over several workflows: timing decides how many workflow tasks a run takes. */
export type EventSpread = Record<string, { mean: number; min: number; max: number }>;

/** The spread of event counts over the workflows, and their payloads by encoding, summed. */
export async function spreadOfHistories(
  client: Client,
  workflowIds: readonly string[],
): Promise<{ events: EventSpread; encodings: EncodingCounts }> {
  const all: EventCounts[] = [];
  const encodings: EncodingCounts = {};
  for (const id of workflowIds) {
    const counted = await countHistory(client, id);
    all.push(counted.events);
    for (const [name, n] of Object.entries(counted.encodings)) encodings[name] = (encodings[name] ?? 0) + n;
  }
  const types = [...new Set(all.flatMap((c) => Object.keys(c)))];
  const events = Object.fromEntries(
    types.map((type) => {
      const values = all.map((c) => c[type] ?? 0);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return [type, { mean, min: Math.min(...values), max: Math.max(...values) }];
    }),
  );
  return { events, encodings };
}

import { setTimeout as delay } from 'node:timers/promises';
import { mapBounded, now, quantile } from '../stats.js';

/** What one load measured. */
export interface LoadResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Answers other than 200, and requests that failed outright; must be 0. */
  errors: number;
  firstError?: string;
}

/** GETs `urls` in turn with these headers; a request's latency, counting any status but 200 as an error. */
function requester(urls: readonly string[], headers: Record<string, string>) {
  let errors = 0;
  let firstError: string | undefined;
  const fail = (why: string) => {
    errors += 1;
    firstError ??= why;
  };
  return {
    async get(i: number, from = now()): Promise<number> {
      const url = urls[i % urls.length] as string;
      try {
        const response = await fetch(url, { headers });
        // Read the whole body: serialisation and transfer are part of the cost.
        const body = await response.text();
        if (response.status !== 200) fail(`GET ${url}: ${response.status} ${body.slice(0, 200)}`);
      } catch (err) {
        fail(`GET ${url}: ${err instanceof Error ? err.message : String(err)}`);
      }
      return now() - from;
    },
    errors: () => ({ errors, ...(firstError === undefined ? {} : { firstError }) }),
  };
}

function resultOf(latencies: number[], seconds: number, errors: { errors: number; firstError?: string }) {
  return {
    requests: latencies.length,
    seconds,
    requestsPerSecond: latencies.length / seconds,
    latencyMs: {
      p50: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      p99: quantile(latencies, 0.99),
      max: Math.max(...latencies),
    },
    ...errors,
  };
}

/** As many requests as `concurrency` clients can make back to back: the server's ceiling. */
export async function closedLoad(
  urls: readonly string[],
  headers: Record<string, string>,
  requests: number,
  concurrency: number,
): Promise<LoadResult> {
  const r = requester(urls, headers);
  const started = now();
  const latencies = await mapBounded(
    Array.from({ length: requests }, (_, i) => i),
    concurrency,
    (i) => r.get(i),
  );
  return resultOf(latencies, (now() - started) / 1000, r.errors());
}

/**
 * Requests sent at a fixed rate whatever the answers, each timed from when it was due to be
 * sent, so a slow answer cannot hide the requests that queued behind it (no coordinated omission).
 */
export async function openLoad(
  urls: readonly string[],
  headers: Record<string, string>,
  ratePerSecond: number,
  seconds: number,
): Promise<LoadResult> {
  const r = requester(urls, headers);
  const total = Math.round(ratePerSecond * seconds);
  const started = now();
  const inFlight: Array<Promise<number>> = [];
  for (let sent = 0; sent < total;) {
    const due = Math.min(total, Math.floor(((now() - started) * ratePerSecond) / 1000) + 1);
    for (; sent < due; sent += 1) inFlight.push(r.get(sent, started + (sent * 1000) / ratePerSecond));
    await delay(1);
  }
  const latencies = await Promise.all(inFlight);
  return resultOf(latencies, (now() - started) / 1000, r.errors());
}

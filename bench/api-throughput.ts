import type { Client } from '@temporalio/client';
import { buildApp } from '../api/app.js';
import { createApiKey } from '../api/auth/api-keys.js';
import { bundleCatalog } from '../bundles/index.js';
import type { Pool } from '../db/pool.js';
import { mapBounded, now, quantile } from './stats.js';

export interface ApiThroughput {
  requests: number;
  concurrency: number;
  distinctIds: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Responses other than 200, and requests that failed outright; must be 0. */
  errors: number;
  firstError?: string;
}

export interface ApiThroughputOptions {
  pool: Pool;
  client: Client;
  taskQueue: string;
  /** Applications the engine completed, so every answer carries seven steps from the read model. */
  applicationIds: readonly string[];
  /** The portal client the applications were created for: the benchmark reads as that portal. */
  portalClient: string;
  requests: number;
  concurrency: number;
}

/**
 * A bounded load on `GET /v1/applications/:id` over real HTTP on loopback, as the portal that
 * owns the applications (bearer key, authentication and rate-limit hooks in the path): a fixed
 * number of requests, at most `concurrency` in flight, cycling through the ids. The load
 * generator shares the process (and the two cores) with the API: the figure is a floor.
 */
export async function runApiThroughput(options: ApiThroughputOptions): Promise<ApiThroughput> {
  const { secret } = await createApiKey(options.pool, {
    name: 'benchmark',
    role: 'portal',
    scope: options.portalClient,
  });
  const headers = { authorization: `Bearer ${secret}` };
  const app = await buildApp(
    { pool: options.pool, temporal: options.client, taskQueue: options.taskQueue, bundles: bundleCatalog },
    // The rate limit stays in the path, as in production, but set where one key never reaches it;
    // the key cache keeps its production default.
    { rateLimitPerMinute: 10_000_000 },
  );
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (typeof address !== 'object' || !address) throw new Error('the API did not report its port');
    const base = `http://127.0.0.1:${address.port}/v1/applications/`;
    const ids = options.applicationIds;
    if (ids.length === 0) throw new Error('no applications to read');

    let errors = 0;
    let firstError: string | undefined;
    const fail = (why: string) => {
      errors += 1;
      firstError ??= why;
    };
    const one = async (i: number) => {
      const id = ids[i % ids.length] as string;
      const started = now();
      try {
        const response = await fetch(`${base}${id}`, { headers });
        // Read the whole body: serialisation and transfer are part of the cost.
        const body = await response.text();
        if (response.status !== 200) fail(`GET ${id}: ${response.status} ${body.slice(0, 200)}`);
      } catch (err) {
        fail(`GET ${id}: ${err instanceof Error ? err.message : String(err)}`);
      }
      return now() - started;
    };

    // A short warm-up: connections, JIT and the pool's clients, not counted.
    await mapBounded(
      Array.from({ length: Math.min(500, options.requests) }, (_, i) => i),
      options.concurrency,
      one,
    );
    errors = 0;
    firstError = undefined;

    const started = now();
    const latencies = await mapBounded(
      Array.from({ length: options.requests }, (_, i) => i),
      options.concurrency,
      one,
    );
    const seconds = (now() - started) / 1000;
    return {
      requests: options.requests,
      concurrency: options.concurrency,
      distinctIds: Math.min(ids.length, options.requests),
      seconds,
      requestsPerSecond: options.requests / seconds,
      latencyMs: {
        p50: quantile(latencies, 0.5),
        p95: quantile(latencies, 0.95),
        p99: quantile(latencies, 0.99),
        max: Math.max(...latencies),
      },
      errors,
      ...(firstError === undefined ? {} : { firstError }),
    };
  } finally {
    await app.close();
  }
}

import { join } from 'node:path';
import { freePort } from '../../net/free-port.js';
import { startOnethingProcess } from '../../stack/entry-process.js';
import { spreadOf } from '../stats.js';
import type { Spread } from '../stats.js';
import { closedLoad, openLoad } from './load.js';
import type { LoadResult } from './load.js';

/** The read API next to a bare Fastify + pg lookup, in alternating rounds of the same run. */
export interface ReadComparison {
  requests: number;
  concurrency: number;
  distinctIds: number;
  rounds: Array<{ round: number; api: LoadResult; bare: LoadResult }>;
  api: { requestsPerSecond: Spread; p99Ms: Spread };
  bare: { requestsPerSecond: Spread; p99Ms: Spread };
  /** API / bare, per round and their median: the target is ≥ 0.5. */
  ratio: Spread;
  /** The API at a fixed rate of half its own median ceiling: the target is a p99 under 10 ms. */
  halfLoad: {
    ratePerSecond: number;
    seconds: number;
    rounds: LoadResult[];
    p50Ms: Spread;
    p99Ms: Spread;
    errors: number;
  };
}

export interface ReadComparisonOptions {
  apiUrl: string;
  portalKey: string;
  databaseUrl: string;
  /** Completed applications of the API key's portal, each with seven steps in the read model. */
  applicationIds: readonly string[];
  requests: number;
  concurrency: number;
  rounds: number;
  halfLoadSeconds: number;
  workDir: string;
  progress: (line: string) => void;
}

/**
 * `GET /v1/applications/:id` on the API process (authentication, rate limit, the application and
 * its steps, the response schema) against `bare-server.ts` answering one row by key, each its own
 * process, loaded by the same generator in this process; then the API alone at half its ceiling.
 */
export async function compareReads(options: ReadComparisonOptions): Promise<ReadComparison> {
  const { applicationIds: ids, progress } = options;
  if (ids.length === 0) throw new Error('no applications to read');
  const port = await freePort();
  const bare = await startOnethingProcess({
    script: 'bench/read/bare-server.ts',
    env: { DATABASE_URL: options.databaseUrl, BARE_PORT: String(port) },
    readyLine: 'bare read server listening',
    logFile: join(options.workDir, 'bare.log'),
  });
  try {
    const api: { urls: string[]; headers: Record<string, string> } = {
      urls: ids.map((id) => `${options.apiUrl}/v1/applications/${id}`),
      headers: { authorization: `Bearer ${options.portalKey}` },
    };
    const plain: typeof api = {
      urls: ids.map((id) => `http://127.0.0.1:${port}/applications/${id}`),
      headers: {},
    };
    const load = (target: typeof api, requests = options.requests) =>
      closedLoad(target.urls, target.headers, requests, options.concurrency);
    // Connections, JIT and the pools' clients, not counted.
    await load(api, 1000);
    await load(plain, 1000);

    const rounds: ReadComparison['rounds'] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const a = await load(api);
      const b = await load(plain);
      rounds.push({ round, api: a, bare: b });
      progress(
        `read round ${round}: API ${a.requestsPerSecond.toFixed(0)} requests/s (p99 ${a.latencyMs.p99.toFixed(1)} ms), bare ${b.requestsPerSecond.toFixed(0)} requests/s (p99 ${b.latencyMs.p99.toFixed(1)} ms)`,
      );
    }
    const figures = (pick: (r: ReadComparison['rounds'][number]) => LoadResult) => ({
      requestsPerSecond: spreadOf(rounds.map((r) => pick(r).requestsPerSecond)),
      p99Ms: spreadOf(rounds.map((r) => pick(r).latencyMs.p99)),
    });
    const apiFigures = figures((r) => r.api);
    const ratePerSecond = Math.round(apiFigures.requestsPerSecond.median / 2);
    const half: LoadResult[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      const result = await openLoad(api.urls, api.headers, ratePerSecond, options.halfLoadSeconds);
      half.push(result);
      progress(
        `half load round ${round}: ${ratePerSecond} requests/s for ${options.halfLoadSeconds} s, p50 ${result.latencyMs.p50.toFixed(1)} ms, p99 ${result.latencyMs.p99.toFixed(1)} ms`,
      );
    }
    return {
      requests: options.requests,
      concurrency: options.concurrency,
      distinctIds: Math.min(ids.length, options.requests),
      rounds,
      api: apiFigures,
      bare: figures((r) => r.bare),
      ratio: spreadOf(rounds.map((r) => r.api.requestsPerSecond / r.bare.requestsPerSecond)),
      halfLoad: {
        ratePerSecond,
        seconds: options.halfLoadSeconds,
        rounds: half,
        p50Ms: spreadOf(half.map((r) => r.latencyMs.p50)),
        p99Ms: spreadOf(half.map((r) => r.latencyMs.p99)),
        errors: half.reduce((n, r) => n + r.errors, 0),
      },
    };
  } finally {
    await bare.stop();
  }
}

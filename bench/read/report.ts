import { f, table, withSpread } from '../format.js';
import type { ReadComparison } from './compare.js';

/** The read API's targets (issue 14): half a bare lookup's throughput, p99 under 10 ms at half load. */
export const readTargets = { ratio: 0.5, halfLoadP99Ms: 10 };

export function formatReads(r: ReadComparison): string[] {
  const errors = r.rounds.reduce((n, x) => n + x.api.errors + x.bare.errors, 0) + r.halfLoad.errors;
  const firstError = r.rounds.map((x) => x.api.firstError ?? x.bare.firstError).find(Boolean);
  return [
    `Read API: GET /v1/applications/:id (API process) against a bare Fastify + pg lookup of one row by key (its own process); ${r.requests} requests, ${r.concurrency} in flight, over ${r.distinctIds} ids, rounds alternating`,
    table(
      ['requests/s', 'API', 'bare', 'API/bare', 'API p99 ms', 'bare p99 ms'],
      [
        ...r.rounds.map((x) => [
          `round ${x.round}`,
          f(x.api.requestsPerSecond, 0),
          f(x.bare.requestsPerSecond, 0),
          f(x.api.requestsPerSecond / x.bare.requestsPerSecond, 2),
          f(x.api.latencyMs.p99, 1),
          f(x.bare.latencyMs.p99, 1),
        ]),
        [
          'median (min–max)',
          withSpread(r.api.requestsPerSecond, 0),
          withSpread(r.bare.requestsPerSecond, 0),
          withSpread(r.ratio, 2),
          withSpread(r.api.p99Ms, 1),
          withSpread(r.bare.p99Ms, 1),
        ],
      ],
    ),
    `ratio API/bare = ${f(r.ratio.median, 2)}; target ≥ ${readTargets.ratio}: ${r.ratio.median >= readTargets.ratio ? 'met' : 'NOT met'}`,
    `at half the API's ceiling (${r.halfLoad.ratePerSecond} requests/s, ${r.halfLoad.seconds} s a round, sent at a fixed rate): p50 ${withSpread(r.halfLoad.p50Ms, 2)} ms, p99 ${withSpread(r.halfLoad.p99Ms, 2)} ms; target p99 < ${readTargets.halfLoadP99Ms} ms: ${r.halfLoad.p99Ms.median < readTargets.halfLoadP99Ms ? 'met' : 'NOT met'}`,
    `errors: ${errors}${firstError ? `; first: ${firstError}` : ''}`,
  ];
}

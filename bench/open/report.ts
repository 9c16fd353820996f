import { f, table } from '../format.js';
import type { MemorySample } from '../soak/figures.js';

/** What `npm run bench -- open` measured, as written to `.data/bench/open.json`. */
export interface OpenResults {
  date: string;
  applications: number;
  load: { start: number[]; end: number[] };
  /** From the first POST to the last answer. */
  submitSeconds: number;
  /** From the first POST until every application waited on its clerk. */
  settledSeconds: number;
  memoryWaiting: { worker?: MemorySample; api?: MemorySample; workerRssFromProcKb: number };
  memoryAfter: { worker?: MemorySample; api?: MemorySample };
  stuckList: { reads: number; rows: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
  approvals: {
    approved: number;
    failures: number;
    firstFailure?: string;
    /** From the first approval until the last was answered. */
    approvedSeconds: number;
    /** From the first approval until every application had completed. */
    completedSeconds: number;
  };
  failures: number;
  completed: number;
}

const mb = (bytes: number | undefined) => f((bytes ?? Number.NaN) / 2 ** 20, 0);

export function formatOpen(r: OpenResults): string[] {
  const s = r.stuckList;
  return [
    `${r.applications} open newborn applications waiting on medical-insurance clerks (load average ${r.load.start.map((l) => l.toFixed(2)).join(', ')} at the start, ${r.load.end.map((l) => l.toFixed(2)).join(', ')} at the end)`,
    `submitted in ${f(r.submitSeconds)} s; all waiting on their clerk after ${f(r.settledSeconds)} s`,
    table(
      ['memory (MB)', 'RSS', 'heap used', 'heap total'],
      [
        [
          'worker, all waiting',
          mb(r.memoryWaiting.worker?.rss),
          mb(r.memoryWaiting.worker?.heapUsed),
          mb(r.memoryWaiting.worker?.heapTotal),
        ],
        [
          'API, all waiting',
          mb(r.memoryWaiting.api?.rss),
          mb(r.memoryWaiting.api?.heapUsed),
          mb(r.memoryWaiting.api?.heapTotal),
        ],
        [
          'worker, all completed',
          mb(r.memoryAfter.worker?.rss),
          mb(r.memoryAfter.worker?.heapUsed),
          mb(r.memoryAfter.worker?.heapTotal),
        ],
      ],
    ),
    `worker RSS from /proc with all waiting: ${f(r.memoryWaiting.workerRssFromProcKb / 1024, 0)} MB; target under 1 GB: ${r.memoryWaiting.workerRssFromProcKb < 1024 * 1024 ? 'met' : 'NOT met'}`,
    `stuck list (GET /v1/ops/applications, all kinds, first page: ${s.rows} rows), ${s.reads} reads one at a time: p50 ${f(s.p50Ms, 1)} ms, p95 ${f(s.p95Ms, 1)} ms, p99 ${f(s.p99Ms, 1)} ms, max ${f(s.maxMs, 1)} ms; target under 200 ms: ${s.maxMs < 200 ? 'met' : 'NOT met'}`,
    `no bulk approval exists: the clerks' system read, claimed and approved each task over the API, 30 at a time: ${r.approvals.approved} approved in ${f(r.approvals.approvedSeconds)} s; all ${r.completed} of ${r.applications} completed ${f(r.approvals.completedSeconds)} s after the first approval`,
    `failures: ${r.failures}${r.approvals.firstFailure ? ` (first: ${r.approvals.firstFailure})` : ''}`,
  ];
}

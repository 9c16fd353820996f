import { appendFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import type { BenchDeployment, BenchDeploymentOptions } from '../e2e/deployment.js';
import { submitAndFollow } from '../e2e/portal.js';
import type { BenchEnv } from '../env.js';
import { now } from '../stats.js';
import { formatSoak, memoryAt, windowsOf } from './figures.js';
import type { MemorySample, SoakApplication, SoakResults } from './figures.js';

export interface SoakOptions {
  deploy: (options: Pick<BenchDeploymentOptions, 'memoryProbeMs'>) => Promise<BenchDeployment>;
  env: BenchEnv;
  progress: (line: string) => void;
  resultsFile: string;
}

/** How often the API and worker report their memory. */
const probeMs = 10_000;

/**
 * Issue 11, R10: newborn applications at a steady rate through the API and worker processes for
 * BENCH_SOAK_MINUTES, each followed by its portal (GET every 200 ms) until it ends. Reports the API's
 * and the worker's RSS and heap, and the latencies, at the start, every BENCH_SOAK_SAMPLE_MINUTES
 * and at the end. Only `npm run bench -- soak` runs it; CI never does.
 */
export async function runSoak(options: SoakOptions): Promise<{ ok: boolean }> {
  const { env, progress } = options;
  const deployment = await options.deploy({ memoryProbeMs: probeMs });
  try {
    const portal = { apiUrl: deployment.apiUrl, portalKey: deployment.portalKey };
    const durationMs = env.BENCH_SOAK_MINUTES * 60_000;
    const intervalMs = 1000 / env.BENCH_SOAK_RATE;
    progress(
      `soak: ${env.BENCH_SOAK_RATE} newborn applications a second for ${env.BENCH_SOAK_MINUTES} minutes (load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')})`,
    );
    const loadAtStart = loadavg();
    const applications: SoakApplication[] = [];
    const failures: string[] = [];
    const inFlight = new Set<Promise<void>>();
    const started = now();
    const loads: Array<{ minute: number; load: number[] }> = [];
    let nextReport = env.BENCH_SOAK_SAMPLE_MINUTES;
    // Sent on schedule whatever the answers, so a slowing engine shows as latency, not as a lower rate.
    for (let sent = 0; now() - started < durationMs; sent += 1) {
      const due = started + sent * intervalMs;
      if (due > now()) await delay(due - now());
      const submittedAt = now() - started;
      const one = submitAndFollow(portal, 'poll').then(
        (followed) => {
          applications.push({
            submittedAtMs: submittedAt,
            ms: followed.ms,
            submitMs: followed.submitMs,
            status: followed.status,
          });
        },
        (err: unknown) => {
          failures.push(err instanceof Error ? err.message : String(err));
        },
      );
      inFlight.add(one);
      void one.finally(() => inFlight.delete(one));
      const minute = (now() - started) / 60_000;
      if (minute >= nextReport) {
        loads.push({ minute: nextReport, load: loadavg() });
        progress(
          `soak: ${nextReport} min, ${applications.length} applications ended, ${failures.length} failed, ${inFlight.size} in flight`,
        );
        nextReport += env.BENCH_SOAK_SAMPLE_MINUTES;
      }
    }
    await Promise.all(inFlight);
    const memory = (name: 'api' | 'worker'): MemorySample[] =>
      deployment[name].linesAfter('bench-memory').map((line) => JSON.parse(line) as MemorySample);
    const origin = Date.now() - (now() - started);
    const results: SoakResults = {
      date: new Date().toISOString(),
      minutes: env.BENCH_SOAK_MINUTES,
      ratePerSecond: env.BENCH_SOAK_RATE,
      submitted: applications.length + failures.length,
      completed: applications.filter((a) => a.status === 'completed').length,
      failures: failures.length,
      firstFailure: failures[0],
      load: { start: loadAtStart, samples: loads, end: loadavg() },
      windows: windowsOf(applications, env.BENCH_SOAK_SAMPLE_MINUTES, env.BENCH_SOAK_MINUTES).map((w) => ({
        ...w,
        api: memoryAt(memory('api'), origin + w.endMinute * 60_000),
        worker: memoryAt(memory('worker'), origin + w.endMinute * 60_000),
      })),
      start: { api: memoryAt(memory('api'), origin), worker: memoryAt(memory('worker'), origin) },
    };
    await writeFile(options.resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    progress('');
    for (const line of formatSoak(results)) progress(line);
    progress(`results written to ${options.resultsFile}`);
    const ok = results.failures === 0 && results.completed === results.submitted;
    await recordR10(results);
    return { ok };
  } finally {
    await deployment.stop();
  }
}

/** A line for RELIABILITY.md's table when FAULTS_RESULTS names the file (as `npm run faults` sets it). */
async function recordR10(r: SoakResults): Promise<void> {
  const file = process.env.FAULTS_RESULTS;
  if (!file) return;
  const first = r.windows[0];
  const last = r.windows.at(-1);
  const mb = (bytes: number | undefined) => (bytes === undefined ? '-' : `${Math.round(bytes / 2 ** 20)} MB`);
  const ms = (v: number | undefined) => (v === undefined ? '-' : `${Math.round(v)} ms`);
  const line = {
    id: 'R10',
    scenario: `soak: ${r.ratePerSecond} newborn applications a second for ${r.minutes} minutes through the API and worker processes, each polled by its portal until it ended`,
    figures: {
      applications: r.submitted,
      'worker RSS start → end': `${mb(r.start.worker?.rss)} → ${mb(last?.worker?.rss)}`,
      'worker heap start → end': `${mb(r.start.worker?.heapUsed)} → ${mb(last?.worker?.heapUsed)}`,
      'API RSS start → end': `${mb(r.start.api?.rss)} → ${mb(last?.api?.rss)}`,
      'API heap start → end': `${mb(r.start.api?.heapUsed)} → ${mb(last?.api?.heapUsed)}`,
      'p99 submission → end, first → last window': `${ms(first?.endToEndMs.p99)} → ${ms(last?.endToEndMs.p99)}`,
      'p99 POST, first → last window': `${ms(first?.submitMs.p99)} → ${ms(last?.submitMs.p99)}`,
    },
    invariants: {
      'every application completed': r.completed === r.submitted,
      'no failed request': r.failures === 0,
    },
    at: new Date().toISOString(),
  };
  await appendFile(file, `${JSON.stringify(line)}\n`);
}

import { f, table } from '../format.js';
import { quantile } from '../stats.js';

/** One `bench-memory` line of a process (bytes; `at` in epoch ms). */
export interface MemorySample {
  at: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** One application of the soak, as its portal saw it. */
export interface SoakApplication {
  /** When it was submitted, from the soak's start. */
  submittedAtMs: number;
  /** Submission to the end seen by polling. */
  ms: number;
  /** The POST's own answer time. */
  submitMs: number;
  status: string;
}

/** The applications submitted in one stretch of the soak, and the processes' memory at its end. */
export interface SoakWindow {
  startMinute: number;
  endMinute: number;
  applications: number;
  endToEndMs: { p50: number; p99: number; max: number };
  submitMs: { p50: number; p99: number; max: number };
  api?: MemorySample;
  worker?: MemorySample;
}

export interface SoakResults {
  date: string;
  minutes: number;
  ratePerSecond: number;
  submitted: number;
  completed: number;
  failures: number;
  firstFailure: string | undefined;
  load: { start: number[]; samples: Array<{ minute: number; load: number[] }>; end: number[] };
  windows: SoakWindow[];
  /** The processes' memory when the soak began (first sample after they were ready). */
  start: { api?: MemorySample; worker?: MemorySample };
}

const stats = (values: number[]) => ({
  p50: quantile(values, 0.5),
  p99: quantile(values, 0.99),
  max: values.length > 0 ? Math.max(...values) : Number.NaN,
});

/** The applications in consecutive windows of `minutes` by submission time. */
export function windowsOf(
  applications: readonly SoakApplication[],
  minutes: number,
  total: number,
): Array<Omit<SoakWindow, 'api' | 'worker'>> {
  const windows: Array<Omit<SoakWindow, 'api' | 'worker'>> = [];
  for (let start = 0; start < total; start += minutes) {
    const end = Math.min(total, start + minutes);
    // The last window keeps an application sent at the very end of the soak.
    const last = end === total;
    const mine = applications.filter(
      (a) => a.submittedAtMs >= start * 60_000 && (a.submittedAtMs < end * 60_000 || last),
    );
    windows.push({
      startMinute: start,
      endMinute: end,
      applications: mine.length,
      endToEndMs: stats(mine.map((a) => a.ms)),
      submitMs: stats(mine.map((a) => a.submitMs)),
    });
  }
  return windows;
}

/** The sample nearest to `at`. */
export function memoryAt(samples: readonly MemorySample[], at: number): MemorySample | undefined {
  let best: MemorySample | undefined;
  for (const s of samples) if (!best || Math.abs(s.at - at) < Math.abs(best.at - at)) best = s;
  return best;
}

const mb = (bytes: number | undefined) => f((bytes ?? Number.NaN) / 2 ** 20, 0);

export function formatSoak(r: SoakResults): string[] {
  const row = (label: string, w: Partial<SoakWindow>) => [
    label,
    String(w.applications ?? '-'),
    f(w.submitMs?.p99 ?? Number.NaN, 0),
    f(w.endToEndMs?.p50 ?? Number.NaN, 0),
    f(w.endToEndMs?.p99 ?? Number.NaN, 0),
    mb(w.api?.rss),
    mb(w.api?.heapUsed),
    mb(w.worker?.rss),
    mb(w.worker?.heapUsed),
  ];
  return [
    `Soak (R10): ${r.ratePerSecond} newborn applications a second for ${r.minutes} minutes; ${r.submitted} submitted, ${r.completed} completed, ${r.failures} failed${r.firstFailure ? ` (first: ${r.firstFailure})` : ''}`,
    `load average at the start: ${r.load.start.map((l) => l.toFixed(2)).join(', ')}; at ${r.load.samples.map((s) => `${s.minute} min: ${s.load.map((l) => l.toFixed(2)).join(', ')}`).join('; ')}; end: ${r.load.end.map((l) => l.toFixed(2)).join(', ')}`,
    table(
      [
        'minutes',
        'applications',
        'POST p99 ms',
        'end p50 ms',
        'end p99 ms',
        'API RSS MB',
        'API heap MB',
        'worker RSS MB',
        'worker heap MB',
      ],
      [row('start', r.start), ...r.windows.map((w) => row(`${w.startMinute}–${w.endMinute}`, w))],
    ),
  ];
}

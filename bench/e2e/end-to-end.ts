import { cpus } from 'node:os';
import type { Client } from '@temporalio/client';
import { spreadOfHistories } from '../history.js';
import type { EventSpread } from '../history.js';
import { median, quantile, spreadOf } from '../stats.js';
import type { Spread } from '../stats.js';
import type { Target } from '../workers.js';
import type { BenchDeployment } from './deployment.js';
import { e2eKindLabels, runE2eRound } from './rounds.js';
import type { E2eKind, E2eRoundOptions, E2eSample } from './rounds.js';
import type { StatementFigures, statementsOf } from './statements.js';

/** One measured round of one kind. */
export interface E2eRound {
  kind: E2eKind;
  round: number;
  applications: number;
  seconds: number;
  rate: number;
  /** CPU ms per application by process (api, worker, simulator, temporal, postgres, bench). */
  cpuMsPerApplication: Record<string, number>;
  /** Share of the machine's cores busy, and busy with processes outside the benchmark. */
  machineBusy: number;
  othersBusy: number;
  /** GETs per application (poll mode). */
  readsPerApplication: number;
}

export interface E2eKindSummary {
  rate: Spread;
  /** Submission to the end the portal saw, over every application of the measured rounds. */
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  cpuMsPerApplication: Record<string, Spread>;
  cpuTotal: Spread;
  othersBusy: Spread;
  readsPerApplication: Spread;
}

export interface EndToEnd {
  kinds: E2eKind[];
  applications: number;
  inFlight: number;
  rounds: E2eRound[];
  summary: Partial<Record<E2eKind, E2eKindSummary>>;
  /** Per round (each against the raw round next to it) and their median: the target is ≥ 0.8. */
  ratios: { e2eToRaw: Spread; e2eSseToRaw: Spread };
  /** Events per workflow over a sample of each kind's last round. */
  history: Partial<Record<E2eKind, EventSpread>>;
  /** With BENCH_PG_STATEMENTS=1: each engine kind's statements in its last round. */
  statements?: Partial<Record<E2eKind, StatementFigures[]>>;
}

/** The figures, and the applications the polling rounds completed (for the read comparison). */
export type EndToEndRun = EndToEnd & { completedIds: string[] };

export interface EndToEndOptions {
  deployment: BenchDeployment;
  rawClient: Client;
  rawTarget: Target;
  kinds: readonly E2eKind[];
  applications: number;
  inFlight: number;
  rounds: number;
  historySample: number;
  /** Rejects when a worker the benchmark needs stops. */
  failed: Promise<never>;
  roundTimeoutMs: number;
  progress: (line: string) => void;
  /** pg_stat_statements of the deployment's database, read round by round (a diagnosis). */
  statements?: ReturnType<typeof statementsOf>;
}

/**
 * The engine as a portal sees it against raw Temporal: one discarded warm-up round of each kind,
 * then `rounds` rounds of each, alternating, so both meet the same machine.
 */
export async function runEndToEnd(options: EndToEndOptions): Promise<EndToEndRun> {
  const { deployment, progress, kinds } = options;
  const roundOptions: E2eRoundOptions = {
    portal: { apiUrl: deployment.apiUrl, portalKey: deployment.portalKey },
    rawClient: options.rawClient,
    rawTarget: options.rawTarget,
    labels: deployment.labels,
    applications: options.applications,
    inFlight: options.inFlight,
  };
  const timed = (kind: E2eKind) => withDeadline(runE2eRound(roundOptions, kind), options);
  const width = Math.max(...kinds.map((k) => e2eKindLabels[k].length));
  for (const kind of kinds) {
    const warm = await timed(kind);
    progress(`warm-up ${e2eKindLabels[kind]}: ${(warm.ms / 1000).toFixed(2)} s (discarded)`);
  }
  const rounds: E2eRound[] = [];
  const latencies = new Map<E2eKind, number[]>(kinds.map((k) => [k, []]));
  const last: Partial<Record<E2eKind, E2eSample>> = {};
  const completedIds: string[] = [];
  const statements: EndToEnd['statements'] = {};
  for (let round = 1; round <= options.rounds; round++) {
    for (const kind of kinds) {
      await options.statements?.reset();
      const sample = await timed(kind);
      if (options.statements && kind !== 'raw') {
        statements[kind] = await options.statements.top(sample.ids.length);
      }
      const result = figuresOf(kind, round, sample);
      rounds.push(result);
      latencies.get(kind)?.push(...sample.latencies);
      if (kind === 'e2e') completedIds.push(...sample.ids);
      last[kind] = sample;
      progress(
        `round ${round} ${e2eKindLabels[kind].padEnd(width)} ${result.rate.toFixed(1).padStart(6)} applications/s  (${result.seconds.toFixed(2)} s)`,
      );
    }
  }

  const summary: Partial<Record<E2eKind, E2eKindSummary>> = {};
  for (const kind of kinds) {
    const mine = rounds.filter((r) => r.kind === kind);
    const all = latencies.get(kind) ?? [];
    const groups = [...new Set(mine.flatMap((r) => Object.keys(r.cpuMsPerApplication)))];
    summary[kind] = {
      rate: spreadOf(mine.map((r) => r.rate)),
      latencyMs: {
        p50: median(all),
        p95: quantile(all, 0.95),
        p99: quantile(all, 0.99),
        max: Math.max(...all),
      },
      cpuMsPerApplication: Object.fromEntries(
        groups.map((g) => [g, spreadOf(mine.map((r) => r.cpuMsPerApplication[g] ?? 0))]),
      ),
      cpuTotal: spreadOf(mine.map((r) => Object.values(r.cpuMsPerApplication).reduce((a, b) => a + b, 0))),
      othersBusy: spreadOf(mine.map((r) => r.othersBusy)),
      readsPerApplication: spreadOf(mine.map((r) => r.readsPerApplication)),
    };
  }
  const ratioPerRound = (kind: E2eKind) =>
    spreadOf(
      Array.from({ length: options.rounds }, (_, i) => {
        const rate = (k: E2eKind) =>
          rounds.find((r) => r.kind === k && r.round === i + 1)?.rate ?? Number.NaN;
        return rate(kind) / rate('raw');
      }),
    );

  const history: EndToEnd['history'] = {};
  for (const kind of kinds) {
    const ids = (last[kind]?.workflowIds ?? []).slice(0, options.historySample);
    history[kind] = (await spreadOfHistories(options.rawClient, ids)).events;
  }
  return {
    kinds: [...kinds],
    applications: options.applications,
    inFlight: options.inFlight,
    rounds,
    summary,
    ratios: { e2eToRaw: ratioPerRound('e2e'), e2eSseToRaw: ratioPerRound('e2eSse') },
    history,
    ...(options.statements ? { statements } : {}),
    completedIds,
  };
}

function figuresOf(kind: E2eKind, round: number, sample: E2eSample): E2eRound {
  const n = sample.ids.length;
  const seconds = sample.ms / 1000;
  const capacity = sample.ms * cpus().length;
  const groups = sample.cpu?.groups ?? {};
  const ours = Object.values(groups).reduce((a, b) => a + b, 0);
  const machine = sample.cpu?.machineBusy ?? Number.NaN;
  return {
    kind,
    round,
    applications: n,
    seconds,
    rate: n / seconds,
    cpuMsPerApplication: Object.fromEntries(Object.entries(groups).map(([g, ms]) => [g, ms / n])),
    machineBusy: machine / capacity,
    othersBusy: Math.max(0, machine - ours) / capacity,
    readsPerApplication: sample.reads.reduce((a, b) => a + b, 0) / n,
  };
}

/** The round, unless a worker fails or the round overruns its time. */
async function withDeadline<T>(round: Promise<T>, options: EndToEndOptions): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`an end-to-end round took longer than ${options.roundTimeoutMs} ms`)),
      options.roundTimeoutMs,
    );
  });
  try {
    return await Promise.race([round, overrun, options.failed]);
  } finally {
    clearTimeout(timer);
  }
}

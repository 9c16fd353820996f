import { kindLabels } from './kinds.js';
import type { Kind } from './kinds.js';
import { cpuFigures, runRound } from './round.js';
import type { RoundOptions } from './round.js';
import { median, quantile } from './stats.js';

/** One round: N workflows started at once, timed until the last result. */
export interface Round {
  kind: Kind;
  round: number;
  workflows: number;
  seconds: number;
  /** Workflows completed per second over the whole round. */
  rate: number;
  latencyMs: { p50: number; p95: number };
  /** CPU ms per workflow by process (bench: workers and client; temporal; postgres), if /proc is readable. */
  cpuMsPerWorkflow?: Record<string, number>;
  /** Share of the machine's cores busy during the round: near 1 means CPU-bound. */
  machineBusy?: number;
  /** Share of the machine's cores busy with processes outside the benchmark: should be near 0. */
  othersBusy?: number;
}

/** Medians over the measured rounds of one kind; latency over all its workflows. */
export interface KindSummary {
  medianRate: number;
  latencyMs: { p50: number; p95: number; max: number };
  cpuMsPerWorkflow: Record<string, number>;
  machineBusy: number;
  othersBusy: number;
}

/** Ratios of median rates. */
export interface Ratios {
  /** Engine / raw: the target is ≥ 0.8. */
  engineToRaw: number;
  /** Engine with the payload codec / raw: the engine as deployed against raw Temporal without one. */
  encryptedToRaw: number;
  /** Engine with the payload codec / engine without: what encryption itself costs. */
  encryptedToEngine: number;
}

export interface EngineVsRaw {
  kinds: Kind[];
  rounds: Round[];
  summary: Partial<Record<Kind, KindSummary>>;
  ratios: Ratios;
  /** Applications that completed in the measured engine rounds, each with its read-model rows. */
  applicationIds: string[];
  /** Workflow ids of the last round of each kind, to read histories from. */
  lastWorkflowIds: Partial<Record<Kind, string[]>>;
}

export interface EngineVsRawOptions extends RoundOptions {
  kinds: readonly Kind[];
  workflows: number;
  rounds: number;
  warmupWorkflows: number;
  /** A round taking longer than this fails the benchmark instead of hanging it. */
  roundTimeoutMs: number;
  progress: (line: string) => void;
}

/** Alternates the kinds round by round, after one discarded warm-up round of each. */
export async function runEngineVsRaw(options: EngineVsRawOptions): Promise<EngineVsRaw> {
  const { progress, kinds } = options;
  const timed = (kind: Kind, n: number) => withDeadline(runRound(options, kind, n), options);
  const width = Math.max(...kinds.map((k) => kindLabels[k].length));

  for (const kind of kinds) {
    const warm = await timed(kind, options.warmupWorkflows);
    progress(
      `warm-up ${kindLabels[kind]}: ${warm.ids.length} workflows in ${(warm.ms / 1000).toFixed(2)} s (discarded)`,
    );
  }

  const rounds: Round[] = [];
  const latencies = new Map<Kind, number[]>(kinds.map((k) => [k, []]));
  const applicationIds: string[] = [];
  const lastWorkflowIds: Partial<Record<Kind, string[]>> = {};
  for (let round = 1; round <= options.rounds; round++) {
    for (const kind of kinds) {
      const sample = await timed(kind, options.workflows);
      const seconds = sample.ms / 1000;
      const result: Round = {
        kind,
        round,
        workflows: sample.ids.length,
        seconds,
        rate: sample.ids.length / seconds,
        latencyMs: { p50: median(sample.latencies), p95: quantile(sample.latencies, 0.95) },
        ...cpuFigures(sample),
      };
      rounds.push(result);
      latencies.get(kind)?.push(...sample.latencies);
      if (kind === 'engine') applicationIds.push(...sample.ids);
      lastWorkflowIds[kind] = sample.workflowIds;
      progress(
        `round ${round} ${kindLabels[kind].padEnd(width)} ${result.rate.toFixed(1).padStart(6)} workflows/s  (${seconds.toFixed(2)} s)`,
      );
    }
  }

  const summary: Partial<Record<Kind, KindSummary>> = {};
  for (const kind of kinds) {
    const mine = rounds.filter((r) => r.kind === kind);
    const all = latencies.get(kind) ?? [];
    summary[kind] = {
      medianRate: median(mine.map((r) => r.rate)),
      latencyMs: { p50: median(all), p95: quantile(all, 0.95), max: Math.max(...all) },
      cpuMsPerWorkflow: medianByKey(mine.map((r) => r.cpuMsPerWorkflow ?? {})),
      machineBusy: median(mine.map((r) => r.machineBusy ?? Number.NaN)),
      othersBusy: median(mine.map((r) => r.othersBusy ?? Number.NaN)),
    };
  }
  const rate = (kind: Kind) => summary[kind]?.medianRate ?? Number.NaN;
  return {
    kinds: [...kinds],
    rounds,
    summary,
    ratios: {
      engineToRaw: rate('engine') / rate('raw'),
      encryptedToRaw: rate('engineEncrypted') / rate('raw'),
      encryptedToEngine: rate('engineEncrypted') / rate('engine'),
    },
    applicationIds,
    lastWorkflowIds,
  };
}

function medianByKey(records: Record<string, number>[]): Record<string, number> {
  const keys = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return Object.fromEntries(keys.map((k) => [k, median(records.map((r) => r[k] ?? 0))]));
}

/** The round, unless a worker fails or the round overruns its time. */
async function withDeadline<T>(round: Promise<T>, options: EngineVsRawOptions): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const overrun = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`a round took longer than ${options.roundTimeoutMs} ms`)),
      options.roundTimeoutMs,
    );
  });
  try {
    return await Promise.race([round, overrun, options.workers.failed]);
  } finally {
    clearTimeout(timer);
  }
}

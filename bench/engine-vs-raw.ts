import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import type { Client } from '@temporalio/client';
import { planOf } from '../bundles/definition.js';
import { newborn } from '../bundles/newborn.js';
import { insertApplication } from '../db/applications.js';
import type { Pool } from '../db/pool.js';
import type { BundleOutcome } from '../schemas/workflow.js';
import { applicationWorkflowId } from '../temporal/ids.js';
import { cpuBetween, cpuSnapshot } from './cpu.js';
import { kindLabels } from './kinds.js';
import type { Kind } from './kinds.js';
import { median, now, quantile } from './stats.js';
import type { BenchWorkers, Target } from './workers.js';

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

export interface EngineVsRaw {
  kinds: Kind[];
  rounds: Round[];
  summary: Partial<Record<Kind, KindSummary>>;
  /** Engine median rate / raw median rate; the target is ≥ 0.8. */
  ratio: number;
  /** Applications that completed in the measured engine rounds, each with its read-model rows. */
  applicationIds: string[];
  /** Workflow ids of the last round of each kind, to read histories from. */
  lastWorkflowIds: Partial<Record<Kind, string[]>>;
}

export interface EngineVsRawOptions {
  client: Client;
  /** Where applications are inserted, as the API would: not the worker's pool. */
  pool: Pool;
  workers: BenchWorkers;
  kinds: readonly Kind[];
  workflows: number;
  rounds: number;
  warmupWorkflows: number;
  /** A round taking longer than this fails the benchmark instead of hanging it. */
  roundTimeoutMs: number;
  progress: (line: string) => void;
}

/** The portal client the engine's applications are created for. */
export const benchPortalClient = 'bench-portal';

// The bundle's example, parsed as the API parses it; it opts in to the maternity allowance,
// so all seven steps run.
const applicant = newborn.applicant.parse(newborn.example.applicant);
const form = newborn.form.parse(newborn.example.form);
const plan = planOf(newborn);

/** Alternates the kinds round by round, after one discarded warm-up round of each. */
export async function runEngineVsRaw(options: EngineVsRawOptions): Promise<EngineVsRaw> {
  const { progress, kinds } = options;
  const timed = (kind: Kind, n: number) => withDeadline(runRound(options, kind, n), options);

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
        `round ${round} ${kindLabels[kind].padEnd(13)} ${result.rate.toFixed(1).padStart(6)} workflows/s  (${seconds.toFixed(2)} s)`,
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
    ratio: rate('engine') / rate('raw'),
    applicationIds,
    lastWorkflowIds,
  };
}

interface Sample {
  ids: string[];
  workflowIds: string[];
  ms: number;
  /** Start (before the read-model insert, for the engine) to result, per workflow. */
  latencies: number[];
  cpu: ReturnType<typeof cpuBetween>;
}

/** Starts n workflows of one kind all at once and waits for every result. */
async function runRound(options: EngineVsRawOptions, kind: Kind, n: number): Promise<Sample> {
  const target = options.workers.targets[kind];
  if (!target) throw new Error(`no worker runs ${kind}`);
  const engine = kind === 'engine' || kind === 'engineNoDb';
  const ids = Array.from({ length: n }, () => randomUUID());
  const workflowIds = ids.map((id) => (engine ? applicationWorkflowId(id) : `bench-${kind}-${id}`));
  const cpuBefore = await cpuSnapshot();
  const started = now();
  const latencies = await Promise.all(
    ids.map((id, i) => {
      const workflowId = workflowIds[i] as string;
      return engine ? runEngine(options, target, id, workflowId) : runRaw(options, target, id, workflowId);
    }),
  );
  const ms = now() - started;
  return { ids, workflowIds, ms, latencies, cpu: cpuBetween(cpuBefore, await cpuSnapshot()) };
}

/** What the API does for a submission: the read-model rows, then the workflow. */
async function runEngine(
  options: EngineVsRawOptions,
  target: Target,
  applicationId: string,
  workflowId: string,
) {
  const started = now();
  await insertApplication(options.pool, {
    id: applicationId,
    bundle: newborn,
    clientId: benchPortalClient,
    idempotencyKey: applicationId,
    requestHash: 'bench',
  });
  const handle = await options.client.workflow.start(target.workflowType, {
    workflowId,
    taskQueue: target.taskQueue,
    args: [{ applicationId, plan, applicant, form }],
  });
  const outcome = (await handle.result()) as BundleOutcome;
  if (outcome.status !== 'completed') {
    throw new Error(
      `engine application ${applicationId} ended ${outcome.status}: ${JSON.stringify(outcome)}`,
    );
  }
  return now() - started;
}

async function runRaw(options: EngineVsRawOptions, target: Target, id: string, workflowId: string) {
  const started = now();
  const handle = await options.client.workflow.start(target.workflowType, {
    workflowId,
    taskQueue: target.taskQueue,
    // The engine's input, so both kinds carry the same start payload.
    args: [{ applicationId: id, plan, applicant, form }],
  });
  const steps = (await handle.result()) as string[];
  if (steps.length !== plan.steps.length) throw new Error(`raw workflow ${id} ran ${steps.length} steps`);
  return now() - started;
}

function cpuFigures(sample: Sample): Pick<Round, 'cpuMsPerWorkflow' | 'machineBusy' | 'othersBusy'> {
  if (!sample.cpu) return {};
  const n = sample.ids.length;
  const capacity = sample.ms * cpus().length;
  const ours = Object.values(sample.cpu.groups).reduce((a, b) => a + b, 0);
  return {
    cpuMsPerWorkflow: Object.fromEntries(Object.entries(sample.cpu.groups).map(([g, ms]) => [g, ms / n])),
    machineBusy: sample.cpu.machineBusy / capacity,
    othersBusy: Math.max(0, sample.cpu.machineBusy - ours) / capacity,
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

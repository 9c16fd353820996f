import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { currentWorkflowFeatures } from '../workflows/features.js';
import type { Client } from '@temporalio/client';
import { planOf } from '../bundles/definition.js';
import { newborn } from '../bundles/newborn.js';
import { insertApplication } from '../db/applications.js';
import type { Pool } from '../db/pool.js';
import type { BundleOutcome } from '../schemas/workflow.js';
import { applicationWorkflowId } from '../temporal/ids.js';
import { cpuBetween, cpuSnapshot } from './cpu.js';
import { engineKinds } from './kinds.js';
import type { Kind } from './kinds.js';
import { now } from './stats.js';
import type { BenchWorkers, Target } from './workers.js';

/** What one round needs to start and await a kind's workflows. */
export interface RoundOptions {
  /** Per kind, the client that starts and awaits its workflows, with that kind's data converter. */
  clients: Partial<Record<Kind, Client>>;
  /** Where applications are inserted, as the API would: not the worker's pool. */
  pool: Pool;
  workers: BenchWorkers;
}

/** The portal client the engine's applications are created for. */
export const benchPortalClient = 'bench-portal';

// The bundle's example, parsed as the API parses it; it opts in to the maternity allowance,
// so all seven steps run.
const applicant = newborn.applicant.parse(newborn.example.applicant);
const form = newborn.form.parse(newborn.example.form);
const plan = planOf(newborn);

/** What one round measured, before it is summarised. */
export interface Sample {
  ids: string[];
  workflowIds: string[];
  ms: number;
  /** Start (before the read-model insert, for the engine) to result, per workflow. */
  latencies: number[];
  cpu: ReturnType<typeof cpuBetween>;
}

/** Starts n workflows of one kind all at once and waits for every result. */
export async function runRound(options: RoundOptions, kind: Kind, n: number): Promise<Sample> {
  const target = options.workers.targets[kind];
  const client = options.clients[kind];
  if (!target || !client) throw new Error(`no worker or client runs ${kind}`);
  const engine = engineKinds.includes(kind);
  const ids = Array.from({ length: n }, () => randomUUID());
  const workflowIds = ids.map((id) => (engine ? applicationWorkflowId(id) : `bench-${kind}-${id}`));
  const cpuBefore = await cpuSnapshot();
  const started = now();
  const latencies = await Promise.all(
    ids.map((id, i) => {
      const workflowId = workflowIds[i] as string;
      return engine
        ? runEngine(client, options.pool, target, id, workflowId)
        : runRaw(client, target, id, workflowId);
    }),
  );
  const ms = now() - started;
  return { ids, workflowIds, ms, latencies, cpu: cpuBetween(cpuBefore, await cpuSnapshot()) };
}

/** What the API does for a submission: the read-model rows, then the workflow. */
async function runEngine(
  client: Client,
  pool: Pool,
  target: Target,
  applicationId: string,
  workflowId: string,
) {
  const started = now();
  await insertApplication(pool, {
    id: applicationId,
    bundle: newborn,
    clientId: benchPortalClient,
    idempotencyKey: applicationId,
    requestHash: 'bench',
  });
  const handle = await client.workflow.start(target.workflowType, {
    workflowId,
    taskQueue: target.taskQueue,
    // As the API starts it: with the current workflow features, so no version markers.
    args: [{ applicationId, plan, applicant, form, features: currentWorkflowFeatures }],
  });
  const outcome = (await handle.result()) as BundleOutcome;
  if (outcome.status !== 'completed') {
    throw new Error(
      `engine application ${applicationId} ended ${outcome.status}: ${JSON.stringify(outcome)}`,
    );
  }
  return now() - started;
}

/** Starts one raw workflow and waits for its result; the time that took. */
export async function runRaw(client: Client, target: Target, id: string, workflowId: string) {
  const started = now();
  const handle = await client.workflow.start(target.workflowType, {
    workflowId,
    taskQueue: target.taskQueue,
    // The engine's input, so both kinds carry the same start payload.
    args: [{ applicationId: id, plan, applicant, form }],
  });
  const steps = (await handle.result()) as string[];
  if (steps.length !== plan.steps.length) throw new Error(`raw workflow ${id} ran ${steps.length} steps`);
  return now() - started;
}

/** CPU ms per workflow by process group, and how busy the machine was, over one round. */
export function cpuFigures(sample: Sample) {
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

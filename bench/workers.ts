import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import type { Pool } from '../db/pool.js';
import { dataConverterFor, failureConverterPath } from '../temporal/data-converter.js';
import { randomKeyring } from '../temporal/keyring.js';
import { createOnethingWorker, defaultTuning, workflowInterceptorModules, workflowsPath } from '../worker.js';
import type { Kind } from './kinds.js';
import { noopAdapters } from './noop-adapter.js';
import { createRawActivities } from './raw-activities.js';
import { stubPool } from './stub-pool.js';

/** worker.ts's default tuning, passed explicitly to every worker, so engine and raw run with the same slots and cache. */
export const benchTuning = defaultTuning;

const rawWorkflowsPath = fileURLToPath(new URL('./raw-workflows.ts', import.meta.url));

/** Where a kind's workflows go and what they are called. */
export interface Target {
  taskQueue: string;
  workflowType: string;
  /** The worker's data converter, shared by the client that starts and awaits its workflows; unset: the default. */
  dataConverter?: DataConverter;
}

export interface BenchWorkers {
  /** Raw always runs (the end-to-end comparison needs it too); the others when asked for. */
  targets: Record<'raw', Target> & Partial<Record<Kind, Target>>;
  /** Rejects if a worker stops while the benchmark still needs it. */
  failed: Promise<never>;
  stop(): Promise<void>;
}

/**
 * All workers on one connection, each on its own task queue, all running for the whole
 * benchmark: rounds alternate, so only one of them has work at a time; the idle ones just poll.
 * The raw workflows share one worker; the engine, the encrypted engine and the engine without a
 * database each get their own, when `kinds` has them.
 */
export async function startBenchWorkers(
  connection: NativeConnection,
  pool: Pool,
  kinds: readonly Kind[],
): Promise<BenchWorkers> {
  const logger = new DefaultLogger('WARN');
  const queue = (name: string) => `bench-${name}-${process.pid}-${Date.now()}`;
  // Bundled before any timing, as production would prebuild them.
  let plainBundle: { code: string } | undefined;
  const engineBundle = async () =>
    (plainBundle ??= await bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, logger }));
  // As production prebuilds it: with the failure converter the encrypting data converter names.
  const bundleEncrypted = () =>
    bundleWorkflowCode({ workflowsPath, workflowInterceptorModules, failureConverterPath, logger });
  const rawBundle = await bundleWorkflowCode({ workflowsPath: rawWorkflowsPath, logger });
  // A fresh key per run: nothing outlives the benchmark's in-memory Temporal server.
  const encrypting = dataConverterFor(randomKeyring());
  const common = { connection, namespace: 'default' };
  const engineWorker = (
    taskQueue: string,
    workerPool: Pool,
    bundle: { code: string },
    dataConverter?: DataConverter,
  ) =>
    createOnethingWorker({
      ...common,
      taskQueue,
      pool: workerPool,
      adapters: noopAdapters(),
      workflowBundle: bundle,
      tuning: benchTuning,
      ...(dataConverter ? { dataConverter } : {}),
    });

  const rawQueue = queue('raw');
  const workers: Worker[] = [
    await Worker.create({
      ...common,
      taskQueue: rawQueue,
      workflowBundle: rawBundle,
      activities: createRawActivities(),
      ...benchTuning,
    }),
  ];
  const targets: BenchWorkers['targets'] = {
    raw: { taskQueue: rawQueue, workflowType: 'rawNewborn' },
  };
  if (kinds.includes('engine')) {
    const engineQueue = queue('engine');
    workers.push(await engineWorker(engineQueue, pool, await engineBundle()));
    targets.engine = { taskQueue: engineQueue, workflowType: 'newborn' };
  }
  if (kinds.includes('engineEncrypted')) {
    const encryptedQueue = queue('engine-encrypted');
    workers.push(await engineWorker(encryptedQueue, pool, await bundleEncrypted(), encrypting));
    targets.engineEncrypted = {
      taskQueue: encryptedQueue,
      workflowType: 'newborn',
      dataConverter: encrypting,
    };
  }
  if (kinds.includes('rawProjected')) {
    targets.rawProjected = { taskQueue: rawQueue, workflowType: 'rawNewbornProjected' };
  }
  if (kinds.includes('engineNoDb')) {
    const noDbQueue = queue('engine-no-db');
    workers.push(await engineWorker(noDbQueue, stubPool(), await engineBundle()));
    targets.engineNoDb = { taskQueue: noDbQueue, workflowType: 'newborn' };
  }

  const runs = workers.map((w) => w.run());
  let stopping = false;
  const failed = new Promise<never>((_, reject) => {
    for (const run of runs) {
      run.then(
        () => !stopping && reject(new Error('a benchmark worker stopped early')),
        (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
      );
    }
  });
  // Observed here so an early stop after the benchmark settled is not an unhandled rejection.
  failed.catch(() => undefined);
  return {
    targets,
    failed,
    async stop() {
      stopping = true;
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.allSettled(runs);
    },
  };
}

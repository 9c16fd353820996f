import { NativeConnection } from '@temporalio/worker';
import type { Worker } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { Pool } from '../db/pool.js';
import type { NotReadyPart } from '../schemas/api.js';
import type { TemporalConnectionSettings } from '../temporal/connection.js';
import { createOnethingWorker } from '../worker.js';
import type { WorkerDeps } from '../worker.js';
import { isOperatorKey } from '../api/auth/operator-key.js';
import { startHealthServer } from '../health/server.js';
import { metricsHandler } from '../metrics/http.js';
import type { HealthServer } from '../health/server.js';

/** What the worker role is composed of; `startWorkerRole` connects it. */
export interface WorkerRoleOptions extends Omit<WorkerDeps, 'connection'> {
  temporal: TemporalConnectionSettings;
  /** A worker process's own /health/live and /health/ready; none when the API serves health. */
  health?: { host: string; port: number };
  /** The SDK's Prometheus endpoint in this process, served with the worker's metrics on its health port. */
  temporalMetricsUrl?: string;
  log: Logger;
}

/** A running worker: its state for health checks, and an orderly stop. */
export interface WorkerRole {
  worker: Worker;
  /** Where its health server listens, if it has one. */
  healthUrl?: string;
  /** Ready while the Temporal worker runs (polls its task queue). */
  isRunning(): boolean;
  /** Whether `stop()` was called: a worker that ends without it stopped on its own (a fatal error). */
  stopRequested(): boolean;
  /** Resolves when the worker has stopped, by `stop()` or on its own (a fatal error). */
  done: Promise<void>;
  /** Stops polling, lets in-flight calls finish within the shutdown grace time, then closes. */
  stop(): Promise<void>;
}

/**
 * The worker role: the step-graph workflows and the department and read-model activities, on
 * one task queue. `npm run worker`, `npm start` and the test stack all compose it here.
 */
export async function startWorkerRole(options: WorkerRoleOptions): Promise<WorkerRole> {
  const { temporal, health, log, temporalMetricsUrl, ...deps } = options;
  const connection = await NativeConnection.connect(temporal);
  let healthServer: HealthServer | undefined;
  try {
    const worker = await createOnethingWorker({ ...deps, connection });
    const done = worker.run().catch((err: unknown) => {
      log.error({ err }, 'worker stopped');
    });
    const isRunning = () => worker.getState() === 'RUNNING';
    if (health) {
      // Its /metrics, like the API's, needs an operator's key; METRICS_PORT serves them without one.
      const metrics = deps.metrics
        ? metricsHandler(
            { metrics: deps.metrics, pool: deps.pool, ...(temporalMetricsUrl ? { temporalMetricsUrl } : {}) },
            (token) => isOperatorKey(deps.pool, token),
          )
        : undefined;
      healthServer = await startHealthServer(health, () => workerReadiness(isRunning, deps.pool), metrics);
    }
    let stopped: Promise<void> | undefined;
    return {
      worker,
      ...(healthServer ? { healthUrl: healthServer.url } : {}),
      isRunning,
      stopRequested: () => stopped !== undefined,
      done,
      stop() {
        stopped ??= (async () => {
          // The SDK also stops a worker on SIGINT/SIGTERM by itself: it may be stopping already.
          if (isRunning()) worker.shutdown();
          await done;
          await healthServer?.close();
          await connection.close();
        })();
        return stopped;
      },
    };
  } catch (err) {
    await healthServer?.close();
    await connection.close();
    throw err;
  }
}

/** Down parts by name; empty when the worker can do its work. */
async function workerReadiness(isRunning: () => boolean, pool: Pool): Promise<NotReadyPart[]> {
  const down: NotReadyPart[] = [];
  if (!isRunning()) down.push('temporal-worker');
  await pool.query('SELECT 1').catch(() => down.push('postgres'));
  return down;
}

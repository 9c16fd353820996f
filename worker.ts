import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { Worker } from '@temporalio/worker';
import type { WorkerOptions, NativeConnection } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import type { BusinessCalendar } from './calendar/business-calendar.js';
import { defaultBusinessCalendar } from './calendar/load.js';
import type { DepartmentAdapters } from './departments/adapter.js';
import type { Pool } from './db/pool.js';
import type { ServiceMetrics } from './metrics/service.js';
import { applicationLogContext } from './telemetry/activity-log-context.js';
import type { Tracing } from './telemetry/tracing.js';
import {
  tracingWorkerParts,
  tracingWorkflowInterceptorsPath,
  untracedWorkflowSinks,
} from './temporal/tracing.js';
import type { VideoProvider } from './video/provider.js';
import { bundleCatalog } from './bundles/index.js';
import { retentionPolicyOf } from './bundles/retention.js';
import type { RetentionPolicy } from './schemas/retention.js';
import type { MaterialLinkDeps } from './activities/material-links.js';

/** Everything the worker needs, built by whoever composes the process. */
export interface WorkerDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  pool: Pool;
  adapters: DepartmentAdapters;
  /** Dates the steps' promised limits (`loadBusinessCalendar(BUSINESS_CALENDAR_FILE)`); unset: the shipped one. */
  calendar?: BusinessCalendar;
  /**
   * A prebuilt workflow bundle (`bundleWorkflowCode` with `workflowInterceptorModules`); without it
   * the workflows are bundled at start.
   */
  workflowBundle?: { codePath: string } | { code: string };
  /** Overrides of the tuning below, e.g. for benchmarks. */
  tuning?: Partial<WorkerOptions>;
  /**
   * How payloads are encoded (`dataConverterFor(keyring)`: encrypted). The same as the clients'; a
   * prebuilt `workflowBundle` must be built with its `failureConverterPath`.
   */
  dataConverter?: DataConverter;
  /** Makes the rooms of video-verification tasks; the stub provider when unset. */
  video?: VideoProvider;
  /** What the retention job erases when; the bundles' own days and the default log retention when unset. */
  retention?: RetentionPolicy;
  /** Drops an erased application's data key from this process's memory (`DataKeys.forget`). */
  forgetDataKey?: (applicationId: string) => void;
  /** Counts work-list escalations; share it with the API to serve them at `GET /metrics`. */
  metrics?: ServiceMetrics;
  /** Hands the materials a service declares to its department as signed links to the API. */
  materialLinks?: MaterialLinkDeps;
  /**
   * Traces activities and exports the workflows' spans when set (OTEL_* configured). Whether a
   * workflow runs its tracing interceptors is decided by its start, not by this (see
   * `workflows/tracing-interceptors.ts`); without tracing no activity interceptor of it runs.
   */
  tracing?: Tracing;
}

export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

/**
 * The workflow interceptor modules every bundle of `workflowsPath` is built with (`bundleWorkflowCode`'s
 * `workflowInterceptorModules`): tracing (only for workflows started with a trace context), and
 * the one that answers the `progress` query reconciliation reads.
 */
export const workflowInterceptorModules = [
  tracingWorkflowInterceptorsPath,
  fileURLToPath(new URL('./workflows/progress-interceptors.ts', import.meta.url)),
];

/**
 * Tuned for a 2-core machine: workflow tasks are cheap and many run at once, department calls
 * are I/O bound, and the cache holds every workflow a busy day keeps active.
 */
export const defaultTuning = {
  maxConcurrentWorkflowTaskExecutions: 40,
  maxConcurrentActivityTaskExecutions: 200,
  maxConcurrentLocalActivityExecutions: 200,
  maxCachedWorkflows: 2000,
  // In-flight department calls get time to finish; they are idempotent if they do not.
  shutdownGraceTime: '10s',
} satisfies Partial<WorkerOptions>;

/** Builds the worker that runs every bundle workflow and the department and read-model activities. */
export async function createOnethingWorker(deps: WorkerDeps): Promise<Worker> {
  const traced = deps.tracing ? tracingWorkerParts(deps.tracing) : undefined;
  return Worker.create({
    connection: deps.connection,
    namespace: deps.namespace,
    taskQueue: deps.taskQueue,
    ...(deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath }),
    interceptors: {
      activity: [applicationLogContext, ...(traced?.activity ?? [])],
      // A prebuilt bundle was built with them (`workflowInterceptorModules`).
      ...(deps.workflowBundle ? {} : { workflowModules: workflowInterceptorModules }),
    },
    sinks: traced?.sinks ?? untracedWorkflowSinks,
    activities: createActivities({
      pool: deps.pool,
      adapters: deps.adapters,
      calendar: deps.calendar ?? defaultBusinessCalendar(),
      retention: deps.retention ?? retentionPolicyOf(bundleCatalog.values()),
      ...(deps.forgetDataKey ? { forgetDataKey: deps.forgetDataKey } : {}),
      ...(deps.video ? { video: deps.video } : {}),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
      ...(deps.materialLinks ? { materialLinks: deps.materialLinks } : {}),
    }),
    ...(deps.dataConverter ? { dataConverter: deps.dataConverter } : {}),
    ...defaultTuning,
    ...deps.tuning,
  });
}

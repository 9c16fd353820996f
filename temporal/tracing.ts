import { fileURLToPath } from 'node:url';
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from '../telemetry/tracing.js';

/**
 * The workflow interceptor module every workflow bundle holds (`workflowInterceptorModules`, or
 * the worker's `interceptors.workflowModules` when it bundles at start): Temporal's OpenTelemetry
 * workflow interceptors for the workflows started with a trace context, nothing for the others
 * (see the module for why the choice is per workflow, not per worker).
 */
export const tracingWorkflowInterceptorsPath = fileURLToPath(
  new URL('../workflows/tracing-interceptors.ts', import.meta.url),
);

/** The client's interceptors: a start or update carries the caller's trace to the workflow. */
export function tracingClientInterceptors(): ClientInterceptors {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/**
 * The worker's part: each activity runs in a span continuing its workflow's trace (the
 * department call's `traceparent` continues it in turn), and the workflows' spans, made in the
 * sandbox, leave through a sink to the process's span processor.
 */
export function tracingWorkerParts(tracing: Tracing): {
  activity: ActivityInterceptorsFactory[];
  sinks: InjectedSinks<OpenTelemetrySinks>;
} {
  return {
    activity: [
      (ctx) => ({
        inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
        outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
      }),
    ],
    sinks: { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) },
  };
}

/**
 * The sink of a worker that does not trace: a workflow started traced (by a process that did)
 * still makes its spans on replay or after a restart, and they end here, unexported.
 */
export const untracedWorkflowSinks: InjectedSinks<OpenTelemetrySinks> = {
  exporter: { export: { fn: () => undefined } },
};

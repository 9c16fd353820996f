import { createRequire } from 'node:module';
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
 * The workflow interceptors of Temporal's OpenTelemetry package, as its own plugin names them: the
 * module bundled into the workflow code (`workflowInterceptorModules`, or the worker's
 * `interceptors.workflowModules` when it bundles at start). They run in the sandbox, start a span
 * per workflow run and per scheduled activity, and put the trace context in the activities'
 * headers: headers, never commands, so histories replay with or without them.
 */
export const tracingWorkflowInterceptorsPath = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
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

/**
 * The workflow interceptor module of every workflow bundle (`workflowInterceptorModules`): it runs
 * Temporal's OpenTelemetry workflow interceptors only for a workflow whose start carried a trace
 * context (`_tracer-data`, put there by the client interceptor of a process that traces), and
 * passes every call straight on otherwise.
 *
 * Why decided per workflow, from its start: the interceptors add promise hops around the workflow
 * function and each activity, which can reorder commands when an update handler and an activity
 * complete in one activation (a recorded history of a withdrawal replays to a nondeterminism
 * error with them added). The start header is in the history, so a workflow keeps the same
 * interceptors on every worker, tracing on or off: histories recorded without tracing replay as
 * they ran, and a traced one replays traced (its spans then go to the worker's no-op sink).
 * Untraced workflows pay one function call per intercepted call and no span, and never evaluate
 * the OpenTelemetry modules.
 */
import type {
  OpenTelemetryInboundInterceptor,
  OpenTelemetryInternalsInterceptor,
  OpenTelemetryOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type * as OpenTelemetryWorkflow from '@temporalio/interceptors-opentelemetry/lib/workflow/index.js';
import type {
  Next,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowInternalsInterceptor,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

/** The header Temporal's OpenTelemetry interceptors carry the trace context in. */
const traceHeader = '_tracer-data';

/**
 * Temporal's OpenTelemetry workflow module, evaluated only for a traced workflow. The worker
 * evaluates a workflow's modules afresh for each workflow it creates, and this one (with the
 * OpenTelemetry SDK under it) was about a tenth of the workflow thread's CPU in the end-to-end
 * benchmark, paid by every untraced workflow too. A webpack `require` is synchronous: no promise
 * hop, so a traced workflow's commands stay in the order its history recorded.
 */
function openTelemetry(): typeof OpenTelemetryWorkflow {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- resolved by the workflow bundler, synchronously, on first use
  return require('@temporalio/interceptors-opentelemetry/lib/workflow/index.js') as typeof OpenTelemetryWorkflow;
}

interface Traced {
  inbound: OpenTelemetryInboundInterceptor;
  outbound: OpenTelemetryOutboundInterceptor;
  internals: OpenTelemetryInternalsInterceptor;
}

type Method = (input: never, next: never) => unknown;
// Calls on `next` directly (returning its promise, adding no hop) unless the workflow is traced.
function delegate<I extends object>(target: () => I | undefined, name: keyof I & string): Method {
  return (input: unknown, next: (input: unknown) => unknown) => {
    const traced = target();
    const method = traced?.[name] as ((input: unknown, next: unknown) => unknown) | undefined;
    return method ? method.call(traced, input, next) : next(input);
  };
}

/** The interceptors of one workflow; the OpenTelemetry ones are made only once its start says it is traced. */
export const interceptors = (): WorkflowInterceptors => {
  let traced: Traced | undefined;
  const inbound = () => traced?.inbound;
  const outbound = () => traced?.outbound;

  const inboundCalls: WorkflowInboundCallsInterceptor = {
    execute(input, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
      if (input.headers[traceHeader] === undefined) return next(input);
      const otel = openTelemetry();
      traced = {
        inbound: new otel.OpenTelemetryInboundInterceptor(),
        outbound: new otel.OpenTelemetryOutboundInterceptor(),
        internals: new otel.OpenTelemetryInternalsInterceptor(),
      };
      return traced.inbound.execute(input, next);
    },
    handleSignal: delegate(inbound, 'handleSignal'),
    handleUpdate: delegate(inbound, 'handleUpdate'),
    validateUpdate: delegate(inbound, 'validateUpdate'),
    handleQuery: delegate(inbound, 'handleQuery'),
  } as WorkflowInboundCallsInterceptor;

  const outboundCalls = {
    scheduleActivity: delegate(outbound, 'scheduleActivity'),
    scheduleLocalActivity: delegate(outbound, 'scheduleLocalActivity'),
    startChildWorkflowExecution: delegate(outbound, 'startChildWorkflowExecution'),
    continueAsNew: delegate(outbound, 'continueAsNew'),
    signalWorkflow: delegate(outbound, 'signalWorkflow'),
    startNexusOperation: delegate(outbound, 'startNexusOperation'),
    getLogAttributes: delegate(outbound, 'getLogAttributes'),
  } as WorkflowOutboundCallsInterceptor;

  const internals: WorkflowInternalsInterceptor = {
    dispose(input, next) {
      // Its dispose is async in name only: it disables the context manager and calls next, at once.
      if (traced) void traced.internals.dispose(input, next);
      else next(input);
    },
  };

  return { inbound: [inboundCalls], outbound: [outboundCalls], internals: [internals] };
};

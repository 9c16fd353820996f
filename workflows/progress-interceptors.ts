/**
 * Answers the `progress` query of every bundle workflow (workflows/progress.ts) by watching what
 * it hands to the read model: its own transition batches (the `recordTransitions` local activity)
 * and the department calls, polls and work-list tasks whose activities write their step. It only
 * observes — no command is added, changed or reordered — so recorded histories replay as before;
 * and the step-graph runner needs no change. The worker registers it (`workflowInterceptorModules`
 * in worker.ts) and every workflow bundle is built with it.
 */
import { setHandler } from '@temporalio/workflow';
import type {
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptorsFactory,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type { BundleWorkflowInput, Transition } from '../schemas/workflow.js';
import { progressQuery, ProgressTracker } from './progress.js';

/** A bundle workflow's input (the operators' job workflows take others). */
function isBundleInput(arg: unknown): arg is BundleWorkflowInput {
  const input = arg as Partial<BundleWorkflowInput> | undefined;
  return typeof input?.applicationId === 'string' && Array.isArray(input.plan?.steps);
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  // One per workflow execution: the factory runs in each workflow's own context.
  let tracker: ProgressTracker | undefined;

  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input, next) {
      const [first] = input.args;
      if (isBundleInput(first)) {
        const progress = new ProgressTracker(first.applicationId, first.plan);
        tracker = progress;
        setHandler(progressQuery, () => progress.view());
      }
      return next(input);
    },
  };

  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity(input, next) {
      const result = next(input);
      const progress = tracker;
      if (!progress) return result;
      const [arg] = input.args;
      progress.observe(() => progress.scheduled(input.activityType, arg));
      // Observed before the workflow's own continuation runs (it awaits the same promise later);
      // both outcomes handled, so this adds no unhandled rejection.
      void result.then(
        (value) => progress.observe(() => progress.succeeded(input.activityType, arg, value)),
        (err: unknown) => progress.observe(() => progress.failed(input.activityType, arg, err)),
      );
      return result;
    },
    scheduleLocalActivity(input, next) {
      const result = next(input);
      const progress = tracker;
      const [batch] = input.args as [{ transitions?: Transition[] } | undefined];
      if (!progress || input.activityType !== 'recordTransitions' || !batch?.transitions) return result;
      // The same batch object comes again after a local activity's backoff: pending until written.
      progress.observe(() => progress.writing(batch));
      const transitions = batch.transitions;
      void result.then(
        () => progress.observe(() => progress.written(batch, transitions)),
        () => undefined,
      );
      return result;
    },
  };

  return { inbound: [inbound], outbound: [outbound] };
};

import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { applicationIdOfWorkflow } from '../temporal/ids.js';
import { withApplicationId } from './log-context.js';

/**
 * Runs each activity of an application's workflow with its application id in the log context,
 * so every line logged during a department call names the application (tracing on or off).
 */
export const applicationLogContext: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    execute(input, next) {
      const workflowId = ctx.info.workflowExecution?.workflowId;
      const applicationId = workflowId ? applicationIdOfWorkflow(workflowId) : undefined;
      return applicationId ? withApplicationId(applicationId, () => next(input)) : next(input);
    },
  },
});

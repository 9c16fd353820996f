import { ApplicationFailure, Context } from '@temporalio/activity';
import { findService } from '../departments/catalog/index.js';
import { DepartmentRejection } from '../departments/adapter.js';
import type { DepartmentAdapters } from '../departments/adapter.js';
import { recordAccess } from '../db/access-log.js';
import { recordStepAttempt } from '../db/transitions.js';
import type { Pool } from '../db/pool.js';
import { failureTypes, stepErrorCodes } from '../schemas/error-codes.js';
import type {
  CallDepartmentInput,
  CallDepartmentResult,
  DepartmentActivities,
  RejectionDetails,
} from './types.js';

export interface DepartmentActivityDeps {
  adapters: DepartmentAdapters;
  pool: Pool;
}

/** Department calls, one per step attempt, through the adapter configured for the department. */
export function createDepartmentActivities(deps: DepartmentActivityDeps): DepartmentActivities {
  return {
    async callDepartment(call: CallDepartmentInput): Promise<CallDepartmentResult> {
      const { attempt } = Context.current().info;
      const service = findService(call.department, call.service);
      const adapter = deps.adapters.get(call.department);
      if (!service || !adapter) {
        throw ApplicationFailure.nonRetryable(
          `no adapter serves ${call.department}/${call.service}`,
          failureTypes.departmentNotConfigured,
        );
      }
      // The first attempt is already shown by the workflow's `running` transition.
      if (attempt > 1) await recordStepAttempt(deps.pool, call.applicationId, call.stepId, attempt, null);
      let decision;
      try {
        decision = await adapter.submit({
          department: call.department,
          service: call.service,
          input: call.input,
          idempotencyKey: call.idempotencyKey,
          attempt,
          signal: Context.current().cancellationSignal,
        });
      } catch (err) {
        if (err instanceof DepartmentRejection) {
          await recordReceipt(deps.pool, call);
          const details: RejectionDetails = {
            department: call.department,
            reasonCode: err.reasonCode,
            reason: err.reason,
          };
          throw ApplicationFailure.create({
            message: `${call.department} rejected: ${err.reason}`,
            type: failureTypes.departmentRejected,
            nonRetryable: true,
            details: [details],
          });
        }
        const message = err instanceof Error ? err.message : String(err);
        await recordStepAttempt(deps.pool, call.applicationId, call.stepId, attempt, {
          code: stepErrorCodes.departmentUnavailable,
          message,
          attempt,
        }).catch(() => undefined);
        throw err;
      }
      await recordReceipt(deps.pool, call);
      const outputs = service.output.safeParse(decision.outputs);
      if (!outputs.success) {
        const issue = outputs.error.issues[0];
        throw ApplicationFailure.nonRetryable(
          `${call.department}/${call.service} returned an invalid output: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
          failureTypes.departmentOutputInvalid,
        );
      }
      return {
        outputs: outputs.data,
        ...(decision.receiptNumber ? { receiptNumber: decision.receiptNumber } : {}),
      };
    },
  };
}

/**
 * The department decided, so it received the step's input: the applicant's access log says
 * which fields, for which item. Once per step, however often the activity is retried.
 */
async function recordReceipt(pool: Pool, call: CallDepartmentInput): Promise<void> {
  await recordAccess(pool, {
    applicationId: call.applicationId,
    actorType: 'department',
    actor: call.department,
    action: 'received',
    fields: Object.keys(call.input).sort(),
    purpose: call.purpose ?? call.stepId,
    stepId: call.stepId,
    dedupeKey: `received:${call.idempotencyKey}`,
  });
}

import { ApplicationFailure, Context } from '@temporalio/activity';
import { findService } from '../departments/catalog/index.js';
import { DepartmentRejection } from '../departments/adapter.js';
import type { DepartmentAdapters, DepartmentDecision } from '../departments/adapter.js';
import { recordStepAttempt, recordTransition } from '../db/transitions.js';
import type { Pool } from '../db/pool.js';
import { failureTypes, stepErrorCodes } from '../schemas/error-codes.js';
import type { StepTransition } from '../schemas/workflow.js';
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

/**
 * Department calls, one per step attempt, through the adapter configured for the department.
 * Each call records its own step in the read model where it happens: `running` when first
 * tried, each retry's attempt and failure, and the department's decision together with what the
 * department received (the applicant's access log).
 */
export function createDepartmentActivities(deps: DepartmentActivityDeps): DepartmentActivities {
  const record = (call: CallDepartmentInput, suffix: string, step: StepTransition, receipt = false) =>
    recordTransition(
      deps.pool,
      call.applicationId,
      { key: `step:${call.stepId}:${suffix}`, at: new Date().toISOString(), step },
      receipt
        ? {
            actorType: 'department',
            actor: call.department,
            action: 'received',
            fields: Object.keys(call.input).sort(),
            purpose: call.purpose ?? call.stepId,
            dedupeKey: `received:${call.idempotencyKey}`,
          }
        : undefined,
    );

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
      if (attempt === 1)
        await record(call, 'running', { stepId: call.stepId, status: 'running', attempts: 1 });
      else await recordStepAttempt(deps.pool, call.applicationId, call.stepId, attempt, null);

      let decision: DepartmentDecision;
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
          const details: RejectionDetails = {
            department: call.department,
            reasonCode: err.reasonCode,
            reason: err.reason,
          };
          await record(
            call,
            'decided',
            {
              stepId: call.stepId,
              status: 'rejected',
              error: {
                code: stepErrorCodes.departmentRejected,
                message: err.reason,
                reasonCode: err.reasonCode,
              },
            },
            true,
          );
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

      const outputs = service.output.safeParse(decision.outputs);
      if (!outputs.success) {
        const issue = outputs.error.issues[0];
        throw ApplicationFailure.nonRetryable(
          `${call.department}/${call.service} returned an invalid output: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
          failureTypes.departmentOutputInvalid,
        );
      }
      await record(
        call,
        'decided',
        { stepId: call.stepId, status: 'completed', outputs: outputs.data, error: null },
        true,
      );
      return {
        outputs: outputs.data,
        ...(decision.receiptNumber ? { receiptNumber: decision.receiptNumber } : {}),
      };
    },
  };
}

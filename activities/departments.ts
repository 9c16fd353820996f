import { ApplicationFailure, Context } from '@temporalio/activity';
import { findService } from '../departments/catalog/index.js';
import { DepartmentRejection, isAcceptance, isSupplementRequest } from '../departments/adapter.js';
import type { DepartmentAdapter, DepartmentAdapters, SubmitResult } from '../departments/adapter.js';
import type { ServiceDefinition } from '../departments/definition.js';
import { recordStepAttempt, recordTransition } from '../db/transitions.js';
import { stepDueAt } from '../db/due-dates.js';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import type { Pool } from '../db/pool.js';
import type { DepartmentPauseRow } from '../db/department-pauses.js';
import { failureTypes, stepErrorCodes } from '../schemas/error-codes.js';
import type { StepTransition } from '../schemas/workflow.js';
import type { ServiceMetrics } from '../metrics/service.js';
import { outcomeOfError, startCallTimer } from './call-metrics.js';
import type { CallOutcome } from './call-metrics.js';
import { createPauseCheck } from './pause-check.js';
import { withMaterialLinks } from './material-links.js';
import type { MaterialLinkDeps } from './material-links.js';
import type { PauseCheck } from './pause-check.js';
import type {
  CancelDepartmentCaseInput,
  CancelDepartmentCaseResult,
  CallDepartmentInput,
  CallDepartmentResult,
  CompensateDepartmentInput,
  DepartmentActivities,
  PollDepartmentInput,
  RejectionDetails,
  SupplementDepartmentInput,
} from './types.js';

export interface DepartmentActivityDeps {
  adapters: DepartmentAdapters;
  pool: Pool;
  /** Dates each step's promised limit from its start; without it steps have no due date. */
  calendar?: BusinessCalendar;
  /** Whether an operator paused a department (outage mode); read from the pool when absent. */
  pauseCheck?: PauseCheck;
  /** Counts and times every call by department, service and outcome; without it nothing is counted. */
  metrics?: ServiceMetrics;
  /** Hands declared materials to departments as signed links; without it material fields go as ids. */
  materialLinks?: MaterialLinkDeps;
}

/** Details of a `DepartmentPaused` failure: the workflow waits for the department to be resumed. */
export interface DepartmentPauseDetails {
  department: string;
  reason: string;
  pausedAt: string;
}

/**
 * Department calls, one per step attempt, through the adapter configured for the department.
 * Each call records its own step in the read model where it happens: `running` when first
 * tried, each retry's attempt and failure, and the department's decision together with what the
 * department received (the applicant's access log).
 */
export function createDepartmentActivities(deps: DepartmentActivityDeps): DepartmentActivities {
  const pauseOf = deps.pauseCheck ?? createPauseCheck(deps.pool);
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

  /** The service and adapter a call needs; a bundle naming neither is a configuration error, not a fault to retry. */
  const resolve = (
    department: string,
    serviceId: string,
  ): { service: ServiceDefinition; adapter: DepartmentAdapter } => {
    const service = findService(department, serviceId);
    const adapter = deps.adapters.get(department);
    if (!service || !adapter) {
      throw ApplicationFailure.nonRetryable(
        `no adapter serves ${department}/${serviceId}`,
        failureTypes.departmentNotConfigured,
      );
    }
    return { service, adapter };
  };

  /** Records a rejection and turns it into the non-retryable failure the workflow classifies. */
  const rejected = async (
    call: CallDepartmentInput,
    err: DepartmentRejection,
    receipt: boolean,
    suffix = 'decided',
  ) => {
    const details: RejectionDetails = {
      department: call.department,
      reasonCode: err.reasonCode,
      reason: err.reason,
    };
    await record(
      call,
      suffix,
      {
        stepId: call.stepId,
        status: 'rejected',
        error: { code: stepErrorCodes.departmentRejected, message: err.reason, reasonCode: err.reasonCode },
      },
      receipt,
    );
    return ApplicationFailure.create({
      message: `${call.department} rejected: ${err.reason}`,
      type: failureTypes.departmentRejected,
      nonRetryable: true,
      details: [details],
    });
  };

  /**
   * Outputs as the service declares them. Anything else is a failed call naming the department,
   * the service and the field: retried (the department may fix its bug) within the step's budget,
   * with its own type so operators see the answer broke the contract, not that it was away.
   */
  const validOutputs = (
    call: { department: string; service: string },
    service: ServiceDefinition,
    outputs: unknown,
  ) => {
    const parsed = service.output.safeParse(outputs);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw ApplicationFailure.retryable(
      `${call.department}/${call.service} returned an invalid output: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      failureTypes.departmentOutputInvalid,
    );
  };

  /** The failure that tells the workflow to wait for the department to be resumed. */
  const pauseFailure = (pause: DepartmentPauseRow) => {
    const details: DepartmentPauseDetails = {
      department: pause.department,
      reason: pause.reason,
      pausedAt: pause.paused_at.toISOString(),
    };
    return ApplicationFailure.create({
      message: `paused: ${pause.department} outage`,
      type: failureTypes.departmentPaused,
      nonRetryable: true,
      details: [details],
    });
  };

  /** Records that the call waits for the department to be resumed; the failure that says so. */
  const paused = async (call: CallDepartmentInput, pause: DepartmentPauseRow) => {
    const failure = pauseFailure(pause);
    await record(call, `paused:${pause.paused_at.toISOString()}:${call.callKey ?? ''}`, {
      stepId: call.stepId,
      status: 'waiting',
      waiting: { reason: 'department-paused', message: failure.message },
    });
    return failure;
  };

  // The failed attempt as the portal and operators see it while the call is retried: an answer
  // that broke the contract keeps its type; anything else is the department being unavailable.
  const recordRetry = (call: { applicationId: string; stepId: string }, attempt: number, err: unknown) =>
    recordStepAttempt(deps.pool, call.applicationId, call.stepId, attempt, {
      code:
        err instanceof ApplicationFailure && err.type === failureTypes.departmentOutputInvalid
          ? failureTypes.departmentOutputInvalid
          : stepErrorCodes.departmentUnavailable,
      message: err instanceof Error ? err.message : String(err),
      attempt,
    }).catch(() => undefined);

  /**
   * A failed attempt as Temporal retries it: typed from the catalogue (`DepartmentUnavailable`)
   * whatever the adapter threw (`DepartmentCredentialsRefused`, a module adapter's own error), so
   * the step's code stays the same while retried and once the budget is spent.
   */
  const failedAttempt = (err: unknown) =>
    err instanceof ApplicationFailure
      ? err
      : ApplicationFailure.create({
          message: err instanceof Error ? err.message : String(err),
          type: stepErrorCodes.departmentUnavailable,
          ...(err instanceof Error ? { cause: err } : {}),
        });

  /** Outputs validated, or the failed attempt recorded and thrown to be retried. */
  const checkedOutputs = async (
    call: { applicationId: string; stepId: string; department: string; service: string },
    service: ServiceDefinition,
    outputs: unknown,
    attempt: number,
  ) => {
    try {
      return validOutputs(call, service, outputs);
    } catch (err) {
      await recordRetry(call, attempt, err);
      throw err;
    }
  };

  /** Records that the department asks the applicant for what is missing; the step waits for it. */
  const recordSupplementRequest = (
    call: CallDepartmentInput,
    suffix: string,
    receiptNumber: string | undefined,
    missing: string[],
    receipt: boolean,
  ) =>
    record(
      call,
      suffix,
      {
        stepId: call.stepId,
        status: 'waiting',
        ...(receiptNumber ? { receiptNumber } : {}),
        waiting: {
          reason: 'applicant-supplement',
          message: `waiting for the applicant's supplementary materials to ${call.department}: ${missing.join(', ')}`,
          missing,
        },
        error: null,
      },
      receipt,
    );

  /**
   * The department's answer to a call or to supplements, recorded with what it received under
   * the transition keys given: accepted (decided later), asking for supplements, or decided.
   */
  const settle = async (
    call: CallDepartmentInput,
    { service, adapter }: { service: ServiceDefinition; adapter: DepartmentAdapter },
    result: SubmitResult,
    attempt: number,
    done: (outcome: CallOutcome) => void,
    keys: { accepted: string; supplement: string; decided: string },
  ): Promise<CallDepartmentResult> => {
    const pollable = adapter.poll !== undefined;
    if (isAcceptance(result)) {
      done('accepted');
      // The department has the data now; it decides later.
      await record(
        call,
        keys.accepted,
        {
          stepId: call.stepId,
          status: 'waiting',
          receiptNumber: result.receiptNumber,
          waiting: { reason: 'department-decision', message: `waiting for ${call.department} decision` },
          error: null,
        },
        true,
      );
      return { accepted: true, receiptNumber: result.receiptNumber, pollable };
    }
    if (isSupplementRequest(result)) {
      done('supplement_required');
      await recordSupplementRequest(call, keys.supplement, result.receiptNumber, result.missing, true);
      const { receiptNumber, missing } = result;
      return { supplementRequired: true, receiptNumber, missing, pollable };
    }
    // An answer that breaks the service's contract is a failed call, like the retry it causes.
    const outputs = await checkedOutputs(call, service, result.outputs, attempt).catch((err: unknown) => {
      done('failed');
      throw err;
    });
    done('completed');
    await record(
      call,
      keys.decided,
      {
        stepId: call.stepId,
        status: 'completed',
        outputs,
        error: null,
        ...(result.receiptNumber ? { receiptNumber: result.receiptNumber } : {}),
      },
      true,
    );
    return { outputs, ...(result.receiptNumber ? { receiptNumber: result.receiptNumber } : {}) };
  };

  return {
    async callDepartment(call: CallDepartmentInput): Promise<CallDepartmentResult> {
      const { attempt } = Context.current().info;
      const { service, adapter } = resolve(call.department, call.service);
      if (attempt === 1)
        // A later call of the step (an operator's retry, a call after a pause) is running again.
        await record(call, call.callKey ? `running:${call.callKey}` : 'running', {
          stepId: call.stepId,
          status: 'running',
          attempts: 1,
          // The workflow passes the step's limit; older histories did not, so the read model is asked then.
          ...(call.timeLimitWorkingDays !== undefined && deps.calendar
            ? { dueAt: deps.calendar.addWorkingDays(new Date(), call.timeLimitWorkingDays).toISOString() }
            : await stepDueAt(deps.pool, deps.calendar, call)),
        });
      else await recordStepAttempt(deps.pool, call.applicationId, call.stepId, attempt, null);
      const pause = await pauseOf(call.department);
      if (pause) throw await paused(call, pause);

      // Made at each attempt, outside the department's timer: a retry never sends an expired link.
      const input = await withMaterialLinks(deps.materialLinks, service, call);
      const calls = { department: call.department, service: call.service };
      const done = startCallTimer(deps.metrics, { ...calls, operation: 'submit' });
      let result: SubmitResult;
      try {
        result = await adapter.submit({
          department: call.department,
          service: call.service,
          input,
          idempotencyKey: call.idempotencyKey,
          attempt,
          signal: Context.current().cancellationSignal,
        });
      } catch (err) {
        done(outcomeOfError(err));
        if (err instanceof DepartmentRejection) throw await rejected(call, err, true);
        await recordRetry(call, attempt, err);
        throw failedAttempt(err);
      }

      const suffix = (what: string) => (call.callKey ? `${what}:${call.callKey}` : what);
      return settle(call, { service, adapter }, result, attempt, done, {
        accepted: suffix('accepted'),
        supplement: suffix('supplement'),
        decided: 'decided',
      });
    },

    async supplementDepartment(input: SupplementDepartmentInput): Promise<CallDepartmentResult> {
      const { attempt } = Context.current().info;
      const { service, adapter } = resolve(input.department, input.service);
      if (!adapter.supplement) {
        throw ApplicationFailure.nonRetryable(
          `${input.department} cannot receive supplements`,
          failureTypes.departmentNotConfigured,
        );
      }
      // What the department receives now is the applicant's answers, for the access log.
      const call: CallDepartmentInput = { ...input, input: input.answers };
      const pause = await pauseOf(input.department);
      if (pause) throw await paused(call, pause);
      const done = startCallTimer(deps.metrics, {
        department: input.department,
        service: input.service,
        operation: 'supplement',
      });
      let result: SubmitResult;
      try {
        result = await adapter.supplement({
          department: input.department,
          service: input.service,
          receiptNumber: input.receiptNumber,
          idempotencyKey: input.idempotencyKey,
          round: input.round,
          answers: input.answers,
          signal: Context.current().cancellationSignal,
        });
      } catch (err) {
        done(outcomeOfError(err));
        if (err instanceof DepartmentRejection)
          throw await rejected(call, err, true, `decided:r${input.round}`);
        await recordRetry(input, attempt, err);
        throw failedAttempt(err);
      }
      return settle(call, { service, adapter }, result, attempt, done, {
        accepted: `accepted:r${input.round}`,
        supplement: `supplement:r${input.round}`,
        decided: `decided:r${input.round}`,
      });
    },

    async compensateDepartment(input: CompensateDepartmentInput): Promise<void> {
      const { adapter } = resolve(input.department, input.service);
      const pause = await pauseOf(input.department);
      if (pause) throw pauseFailure(pause);
      if (!adapter.compensate) {
        throw ApplicationFailure.nonRetryable(
          `${input.department} cannot undo ${input.service}`,
          failureTypes.departmentNotConfigured,
        );
      }
      const done = startCallTimer(deps.metrics, {
        department: input.department,
        service: input.service,
        operation: 'compensate',
      });
      await adapter
        .compensate({
          department: input.department,
          service: input.service,
          outputs: input.outputs,
          ...(input.receiptNumber ? { receiptNumber: input.receiptNumber } : {}),
          idempotencyKey: `undo:${input.idempotencyKey}`,
          signal: Context.current().cancellationSignal,
        })
        .then(
          () => done('completed'),
          (err: unknown) => {
            done(outcomeOfError(err));
            throw err;
          },
        );
    },

    async cancelDepartmentCase(input: CancelDepartmentCaseInput): Promise<CancelDepartmentCaseResult> {
      const { attempt } = Context.current().info;
      const { service, adapter } = resolve(input.department, input.service);
      // A module adapter without `cancel` cannot be told; the step says so.
      if (!adapter.cancel) return { status: 'cannot-cancel' };
      const pause = await pauseOf(input.department);
      if (pause) throw pauseFailure(pause);
      const done = startCallTimer(deps.metrics, {
        department: input.department,
        service: input.service,
        operation: 'cancel',
      });
      const answer = await adapter
        .cancel({
          department: input.department,
          service: input.service,
          receiptNumber: input.receiptNumber,
          idempotencyKey: input.idempotencyKey,
          signal: Context.current().cancellationSignal,
        })
        .catch((err: unknown) => {
          done(outcomeOfError(err));
          throw err;
        });
      done(answer.status === 'rejected' ? 'rejected' : 'completed');
      if (answer.status !== 'decided') return answer;
      // Decided before the cancellation arrived: what the department issued is undone like a completed step's.
      const outputs = await checkedOutputs(input, service, answer.outputs, attempt);
      return {
        status: 'decided',
        outputs,
        ...(answer.receiptNumber ? { receiptNumber: answer.receiptNumber } : {}),
      };
    },

    async pollDepartment(query: PollDepartmentInput) {
      const { attempt } = Context.current().info;
      const { service, adapter } = resolve(query.department, query.service);
      if (!adapter.poll) {
        throw ApplicationFailure.nonRetryable(
          `${query.department} cannot be polled`,
          failureTypes.departmentNotConfigured,
        );
      }
      const call: CallDepartmentInput = { ...query, input: {} };
      // No question goes to a paused department; its decision is simply not known yet.
      if (await pauseOf(query.department)) return { pending: true as const };
      const done = startCallTimer(deps.metrics, {
        department: query.department,
        service: query.service,
        operation: 'poll',
      });
      let polled;
      try {
        polled = await adapter.poll({ ...query, signal: Context.current().cancellationSignal });
      } catch (err) {
        done(outcomeOfError(err));
        if (err instanceof DepartmentRejection) throw await rejected(call, err, false);
        await recordRetry(query, attempt, err);
        throw failedAttempt(err);
      }
      if (polled.pending) {
        done('pending');
        return { pending: true as const };
      }
      // Keys of a case's later rounds are their own; the first round's are as they always were.
      const round = query.round === undefined ? '' : `:r${query.round}`;
      if (isSupplementRequest(polled)) {
        done('supplement_required');
        await recordSupplementRequest(call, `supplement:polled${round}`, undefined, polled.missing, false);
        return { pending: false as const, supplementRequired: true as const, missing: polled.missing };
      }
      const outputs = await checkedOutputs(query, service, polled.outputs, attempt).catch((err: unknown) => {
        done('failed');
        throw err;
      });
      done('completed');
      await record(call, `decided${round}`, {
        stepId: query.stepId,
        status: 'completed',
        outputs,
        error: null,
      });
      return { pending: false as const, outputs };
    },
  };
}

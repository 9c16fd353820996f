import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { DepartmentActivities, ReadModelActivities, RejectionDetails } from '../activities/types.js';
import type { BundlePlan, StepDefinition } from '../schemas/bundle.js';
import type { ApplicationStatus } from '../schemas/status.js';
import type { BundleOutcome, BundleWorkflowInput, StepError } from '../schemas/workflow.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import { durationMs } from './durations.js';
import { compensate } from './compensation.js';
import type { CompletedStep } from './compensation.js';
import { departmentDecision, withdraw } from './messages.js';
import type { DepartmentDecisionUpdate, WithdrawUpdate } from './messages.js';
import { ProjectionQueue } from './projection.js';
import { WorkList } from './work-list.js';
import { buildStepInput, readSource, stepIdempotencyKey } from './step-inputs.js';
import type { InputContext } from './step-inputs.js';

type StepResult = BundleOutcome['steps'][string];

const readModel = proxyLocalActivities<ReadModelActivities>({
  startToCloseTimeout: '10s',
  // A read-model write must land eventually; PostgreSQL being away only delays it.
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

/**
 * Runs any bundle: each step starts when the steps it needs have completed, so independent
 * steps run in parallel. A rejected or failed step blocks only its dependants.
 */
export async function runBundle(input: BundleWorkflowInput): Promise<BundleOutcome> {
  const { applicationId, plan } = input;
  // Not cancellable: a withdrawal cancels the steps, never the recording of what happened.
  const projection = new ProjectionQueue((transitions) =>
    CancellationScope.nonCancellable(() => readModel.recordTransitions({ applicationId, transitions })),
  );
  const context: InputContext = { form: input.form, applicant: input.applicant, outputs: {} };
  const stepsById = new Map(plan.steps.map((step) => [step.id, step]));
  const results = new Map<string, Promise<StepResult>>();
  const completed: CompletedStep[] = [];

  // Withdrawal cancels the steps' scope: calls in flight are abandoned, waits end, nothing new starts.
  const stepsScope = new CancellationScope();
  let withdrawal: WithdrawUpdate | undefined;
  let finished = false;
  setHandler(
    withdraw,
    (request) => {
      withdrawal = request;
      stepsScope.cancel();
      return 'withdrawing' as const;
    },
    {
      validator: (_request: WithdrawUpdate) => {
        if (finished) throw new Error('the application has already ended');
        if (withdrawal) throw new Error('the application is already being withdrawn');
      },
    },
  );
  const withdrawn = (message: string): StepError => ({ code: stepErrorCodes.withdrawn, message });
  const workList = new WorkList(applicationId, projection);
  // Steps a department accepted and decides later, by receipt number; and the decisions received.
  const awaiting = new Map<string, string>();
  const settled = new Set<string>();
  const decisions = new Map<string, DepartmentDecisionUpdate>();
  setHandler(
    departmentDecision,
    (decision) => {
      decisions.set(decision.stepId, decision);
      return 'recorded' as const;
    },
    {
      // A callback may overtake the workflow learning of the acceptance (the department decided at
      // once): a decision for a step still in progress is kept, and matched when the step waits.
      validator: (decision: DepartmentDecisionUpdate) => {
        const expected = awaiting.get(decision.stepId);
        if (
          !stepsById.has(decision.stepId) ||
          settled.has(decision.stepId) ||
          decisions.has(decision.stepId) ||
          (expected !== undefined && expected !== decision.receiptNumber)
        ) {
          throw new Error(
            `step ${decision.stepId} is not waiting for a decision on ${decision.receiptNumber}`,
          );
        }
      },
    },
  );

  /**
   * Waits durably for a later decision: a callback, or polling with growing intervals (no
   * activity is held open meanwhile). A polled decision was recorded by the poll itself.
   */
  const laterDecision = async (
    step: StepDefinition,
    receiptNumber: string,
    pollable: boolean,
  ): Promise<{ decision: DepartmentDecisionUpdate; recorded: boolean }> => {
    let recorded = false;
    awaiting.set(step.id, receiptNumber);
    let interval = durationMs(step.pollInterval ?? '30s');
    const maxInterval = durationMs(step.maxPollInterval ?? '1h');
    while (!decisions.has(step.id)) {
      if (!pollable) {
        await condition(() => decisions.has(step.id));
        break;
      }
      if (await condition(() => decisions.has(step.id), interval)) break;
      const polled = await pollingActivitiesFor(step).pollDepartment({
        applicationId,
        stepId: step.id,
        department: step.department,
        service: step.service,
        receiptNumber,
        idempotencyKey: stepIdempotencyKey(applicationId, step.id),
      });
      if (!polled.pending && !decisions.has(step.id)) {
        decisions.set(step.id, {
          stepId: step.id,
          receiptNumber,
          outcome: 'completed',
          outputs: polled.outputs,
        });
        recorded = true;
      }
      interval = Math.min(interval * 2, maxInterval);
    }
    awaiting.delete(step.id);
    return { decision: decisions.get(step.id) as DepartmentDecisionUpdate, recorded };
  };

  const resultOf = (stepId: string): Promise<StepResult> => {
    let result = results.get(stepId);
    if (!result) {
      const step = stepsById.get(stepId);
      if (!step) throw ApplicationFailure.nonRetryable(`unknown step ${stepId}`, 'InvalidBundlePlan');
      result = runStep(step);
      results.set(stepId, result);
      void result.then(
        () => settled.add(stepId),
        () => settled.add(stepId),
      );
    }
    return result;
  };

  const runStep = async (step: StepDefinition): Promise<StepResult> => {
    const needed = await Promise.all(step.after.map(resultOf));
    if (withdrawal) return skip(step, withdrawn('not started: the application was withdrawn'));
    const blocker = step.after.find((_, i) => needed[i]?.status !== 'completed');
    if (blocker !== undefined) {
      return skip(step, {
        code: stepErrorCodes.blockedByDependency,
        message: `not started: ${blocker} did not complete`,
      });
    }
    if (step.optInField !== undefined && readSource(step.optInField, context) !== true) {
      return skip(step, { code: stepErrorCodes.notOptedIn, message: 'the applicant did not opt in' });
    }
    try {
      if (step.decidedBy === 'worklist') {
        // A person decides: nothing records it but the workflow.
        const decided = await workList.decide(step, buildStepInput(step, context));
        if (decided.status === 'rejected') {
          projection.push({ step: { stepId: step.id, status: 'rejected', error: decided.error } });
          return decided;
        }
        context.outputs[step.id] = decided.outputs;
        completed.push({ step, outputs: decided.outputs });
        projection.push({
          step: { stepId: step.id, status: 'completed', outputs: decided.outputs, error: null },
        });
        return { status: 'completed' };
      }
      // The call records its own step's start and the department's decision in the read model.
      const decision = await departmentActivitiesFor(step).callDepartment({
        applicationId,
        stepId: step.id,
        department: step.department,
        service: step.service,
        input: buildStepInput(step, context),
        idempotencyKey: stepIdempotencyKey(applicationId, step.id),
        purpose: `${step.title.zh} ${step.title.en}`,
        timeLimitWorkingDays: step.timeLimitWorkingDays,
      });
      if (decision.accepted) {
        const { decision: later, recorded } = await laterDecision(
          step,
          decision.receiptNumber,
          decision.pollable,
        );
        if (later.outcome === 'rejected') {
          const error: StepError = {
            code: stepErrorCodes.departmentRejected,
            message: later.reason ?? 'rejected',
            ...(later.reasonCode ? { reasonCode: later.reasonCode } : {}),
          };
          if (!recorded) projection.push({ step: { stepId: step.id, status: 'rejected', error } });
          return { status: 'rejected', error };
        }
        const outputs = later.outputs ?? {};
        context.outputs[step.id] = outputs;
        completed.push({ step, outputs, receiptNumber: decision.receiptNumber });
        if (!recorded)
          projection.push({ step: { stepId: step.id, status: 'completed', outputs, error: null } });
        return { status: 'completed' };
      }
      context.outputs[step.id] = decision.outputs;
      completed.push({
        step,
        outputs: decision.outputs,
        ...(decision.receiptNumber ? { receiptNumber: decision.receiptNumber } : {}),
      });
      return { status: 'completed' };
    } catch (err) {
      if (isCancellation(err)) {
        return skip(step, withdrawn('withdrawn by the applicant before the department decided'));
      }
      const ended = classifyStepFailure(err);
      // A rejection is a decision the call already recorded; any other end is recorded here.
      if (ended.status !== 'rejected') projection.push({ step: { stepId: step.id, ...ended } });
      return ended;
    }
  };

  const skip = (step: StepDefinition, error: StepError): StepResult => {
    projection.push({ step: { stepId: step.id, status: 'skipped', error } });
    return { status: 'skipped', error };
  };

  const ended = await stepsScope.run(() => Promise.all(plan.steps.map((step) => resultOf(step.id))));
  const steps: BundleOutcome['steps'] = Object.fromEntries(
    plan.steps.map((step, i) => [step.id, ended[i] as StepResult]),
  );
  let status = applicationOutcome(plan, steps);
  if (withdrawal || status === 'rejected') await compensate(applicationId, completed, steps, projection);
  if (withdrawal) status = 'withdrawn';
  finished = true;
  projection.push({ application: { status } });
  await projection.flush();
  return { status, steps };
}

function departmentActivitiesFor(step: StepDefinition): DepartmentActivities {
  return proxyActivities<DepartmentActivities>({
    activityId: step.id,
    startToCloseTimeout: durationMs(step.callTimeout),
    retry: {
      initialInterval: durationMs(step.retry.initialInterval),
      backoffCoefficient: step.retry.backoffCoefficient,
      maximumInterval: durationMs(step.retry.maximumInterval),
      // 0 in a definition means unlimited, which Temporal expresses by leaving it out.
      ...(step.retry.maximumAttempts > 0 ? { maximumAttempts: step.retry.maximumAttempts } : {}),
    },
  });
}

/** Polls are short calls; a department being away only delays the decision. */
function pollingActivitiesFor(step: StepDefinition): DepartmentActivities {
  return proxyActivities<DepartmentActivities>({
    startToCloseTimeout: durationMs(step.callTimeout),
    retry: {
      initialInterval: durationMs(step.retry.initialInterval),
      backoffCoefficient: step.retry.backoffCoefficient,
      maximumInterval: durationMs(step.retry.maximumInterval),
    },
  });
}

/** A department's decision against the applicant is `rejected`; anything else that ended the step is `failed`. */
function classifyStepFailure(err: unknown): { status: 'rejected' | 'failed'; error: StepError } {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type === stepErrorCodes.departmentRejected) {
    const details = cause.details?.[0] as RejectionDetails | undefined;
    return {
      status: 'rejected',
      error: {
        code: stepErrorCodes.departmentRejected,
        message: details?.reason ?? cause.message,
        ...(details ? { reasonCode: details.reasonCode } : {}),
      },
    };
  }
  if (cause instanceof ApplicationFailure && cause.type) {
    return { status: 'failed', error: { code: cause.type, message: cause.message } };
  }
  const message = cause instanceof Error ? cause.message : 'the step failed';
  return { status: 'failed', error: { code: stepErrorCodes.stepFailed, message } };
}

/**
 * A required step's rejection rejects the application; its failure fails it. An opted-in
 * optional step that did not complete leaves the application partially completed.
 */
function applicationOutcome(plan: BundlePlan, steps: BundleOutcome['steps']): ApplicationStatus {
  const required = plan.steps.filter((step) => step.optInField === undefined);
  if (required.some((step) => steps[step.id]?.status === 'rejected')) return 'rejected';
  if (required.some((step) => steps[step.id]?.status !== 'completed')) return 'failed';
  const optionalMissed = plan.steps.some(
    (step) => step.optInField !== undefined && ['rejected', 'failed'].includes(steps[step.id]?.status ?? ''),
  );
  return optionalMissed ? 'partially_completed' : 'completed';
}

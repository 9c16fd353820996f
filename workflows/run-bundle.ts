import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { ReadModelActivities } from '../activities/types.js';
import type { StepDefinition } from '../schemas/bundle.js';
import type { BundleOutcome, BundleWorkflowInput, StepError } from '../schemas/workflow.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import { durationMs } from './durations.js';
import { compensate } from './compensation.js';
import { departmentActivitiesFor, pollingActivitiesFor } from './department-calls.js';
import { applicationOutcome, classifyStepFailure, provides } from './outcomes.js';
import type { StepResult } from './outcomes.js';
import { DepartmentPauses } from './department-pauses.js';
import { workflowFeatures } from './features.js';
import type { CompletedStep } from './compensation.js';
import { departmentDecision, repairStep, withdraw } from './messages.js';
import type { DepartmentDecisionUpdate, RepairStepUpdate, WithdrawUpdate } from './messages.js';
import { nextPollInterval } from './poll-interval.js';
import { ProjectionQueue } from './projection.js';
import { WorkList } from './work-list.js';
import { buildStepInput, readSource, stepIdempotencyKey } from './step-inputs.js';
import type { InputContext } from './step-inputs.js';

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
  const failedStepHoldMs = input.failedStepHold ? durationMs(input.failedStepHold) : 0;
  // A feature the application was started with needs no version marker; otherwise `patched()`
  // decides, so histories recorded before the feature replay its old path (workflows/features.ts).
  const hasFeature = (id: string) => input.features?.includes(id) === true || patched(id);
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
  // An operator's withdrawal names the operator and the reason on the steps it ends.
  const withdrawnBy = () => (withdrawal?.by ? `${withdrawal.by} (${withdrawal.reason})` : 'the applicant');
  const workList = new WorkList(applicationId, projection);
  const pauses = new DepartmentPauses();
  // Steps an operator can repair now (a department call or wait in progress), and repairs asked for.
  const repairable = new Map<string, CancellationScope>();
  const repairs = new Map<string, RepairStepUpdate>();
  setHandler(
    repairStep,
    (repair) => {
      repairs.set(repair.stepId, repair);
      repairable.get(repair.stepId)?.cancel();
      return 'repairing' as const;
    },
    {
      validator: (repair: RepairStepUpdate) => {
        if (!repairable.has(repair.stepId) || repairs.has(repair.stepId)) {
          throw new Error(`step ${repair.stepId} is not in progress, so it cannot be repaired now`);
        }
        if (!repair.reason.trim()) throw new Error('a reason is required');
        if (repair.action === 'resend' && !awaiting.has(repair.stepId)) {
          throw new Error(
            `step ${repair.stepId} is not waiting for a department decision, so there is nothing to re-send; retry it instead`,
          );
        }
        if (repair.action === 'skip' && !repair.outputs)
          throw new Error('skipping needs the outputs the dependants use');
      },
    },
  );
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
   * activity is held open meanwhile; `nextPollInterval` keeps a long wait's history small). A
   * polled decision was recorded by the poll itself.
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
    const acceptedAt = Date.now();
    // An operator's re-send ends the wait early (cancelled); the step is no longer awaiting then.
    try {
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
        // A timer's duration is not part of what replay checks: running cases take the new spacing.
        interval = nextPollInterval(interval, maxInterval, Date.now() - acceptedAt);
      }
    } finally {
      awaiting.delete(step.id);
    }
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

  /** One department call and, if the department decides later, the wait for its decision. */
  const departmentStep = async (step: StepDefinition, round: number): Promise<StepResult> => {
    // The call records its own step's start and the department's decision in the read model.
    // While an operator keeps the department paused (outage mode), the call waits to be made.
    const decision = await pauses.callUnlessPaused(step.department, (pausedBefore) =>
      departmentActivitiesFor(step, round, pausedBefore).callDepartment({
        applicationId,
        stepId: step.id,
        department: step.department,
        service: step.service,
        input: buildStepInput(step, context),
        idempotencyKey: stepIdempotencyKey(applicationId, step.id),
        purpose: `${step.title.zh} ${step.title.en}`,
        timeLimitWorkingDays: step.timeLimitWorkingDays,
        ...(round > 0 || pausedBefore > 0 ? { callKey: `r${round}p${pausedBefore}` } : {}),
      }),
    );
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
  };

  const runStep = async (step: StepDefinition): Promise<StepResult> => {
    const needed = await Promise.all(step.after.map(resultOf));
    if (withdrawal) {
      return skip(step, withdrawn(`not started: the application was withdrawn by ${withdrawnBy()}`));
    }
    const blocker = step.after.find((_, i) => !provides(needed[i]));
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
      // Applications started before operator repairs existed run the call without a repair scope:
      // the scope changes the order of cancellations a withdrawal records (replay test).
      if (!hasFeature(workflowFeatures.operatorStepRepairs)) return await departmentStep(step, 0);
      // An operator may retry the call now, or skip the step entering its outputs: while it is
      // in progress, and while a failed call is held for repair.
      for (let round = 0; ; round += 1) {
        const scope = new CancellationScope();
        repairable.set(step.id, scope);
        try {
          return await scope.run(() => departmentStep(step, round));
        } catch (err) {
          if (withdrawal) throw err;
          if (!(isCancellation(err) && repairs.has(step.id))) {
            const failed = await heldForRepair(step, err);
            if (failed) return failed;
          }
        } finally {
          repairable.delete(step.id);
        }
        const repair = repairs.get(step.id) as RepairStepUpdate;
        repairs.delete(step.id);
        // A retry calls again now; a re-send submits again what the department lost in an outage.
        if (repair.action === 'retry' || repair.action === 'resend') continue;
        const outputs = repair.outputs ?? {};
        context.outputs[step.id] = outputs;
        const error: StepError = {
          code: stepErrorCodes.skippedByOperator,
          message: `skipped by ${repair.operator}: ${repair.reason}`,
        };
        projection.push({ step: { stepId: step.id, status: 'skipped', outputs, error } });
        return { status: 'skipped', error };
      }
    } catch (err) {
      if (isCancellation(err)) {
        return skip(step, withdrawn(`withdrawn by ${withdrawnBy()} before the department decided`));
      }
      const ended = classifyStepFailure(err);
      // A rejection is a decision the call already recorded; any other end is recorded here.
      if (ended.status !== 'rejected') projection.push({ step: { stepId: step.id, ...ended } });
      return ended;
    }
  };

  /**
   * A call that failed (not a decision) is recorded as failed and held for an operator's repair
   * for `failedStepHold`, like an incident: undefined when a repair came (the caller applies it),
   * the failed result when none came in time. Anything else is thrown on.
   */
  const heldForRepair = async (step: StepDefinition, err: unknown): Promise<StepResult | undefined> => {
    if (isCancellation(err) || failedStepHoldMs === 0) throw err;
    const failed = classifyStepFailure(err);
    if (failed.status !== 'failed' || !hasFeature(workflowFeatures.failedStepHold)) throw err;
    projection.push({ step: { stepId: step.id, ...failed } });
    return (await condition(() => repairs.has(step.id), failedStepHoldMs)) ? undefined : failed;
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
  if (withdrawal || status === 'rejected')
    await compensate(applicationId, completed, steps, projection, pauses);
  if (withdrawal) status = 'withdrawn';
  finished = true;
  projection.push({ application: { status } });
  await projection.flush();
  // Update handlers that run activities (an operator's reassignment of a task) end before the
  // workflow does. No command: histories recorded before them replay unchanged.
  await condition(allHandlersFinished);
  return { status, steps };
}

import {
  allHandlersFinished,
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
import { applicationOutcome, classifyStepFailure } from './outcomes.js';
import type { StepResult } from './outcomes.js';
import { DepartmentPauses } from './department-pauses.js';
import { workflowFeatures } from './features.js';
import { repairStep } from './messages.js';
import type { RepairStepUpdate } from './messages.js';
import { ProjectionQueue } from './projection.js';
import { DepartmentSteps } from './department-step.js';
import { StepScheduler } from './step-scheduler.js';
import { WorkList } from './work-list.js';
import { StepOutputs } from './step-outputs.js';
import { Withdrawal } from './withdrawal.js';

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
  const outputs = new StepOutputs(input.form, input.applicant);
  const withdrawal = new Withdrawal();
  const workList = new WorkList(applicationId, projection);
  const pauses = new DepartmentPauses();
  const scheduler = new StepScheduler(plan, projection, outputs, withdrawal);
  const departmentSteps = new DepartmentSteps({
    applicationId,
    projection,
    pauses,
    outputs,
    isUnsettled: (stepId) => scheduler.isUnsettled(stepId),
  });
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
        if (repair.action === 'resend' && !departmentSteps.isAwaitingDecision(repair.stepId)) {
          throw new Error(
            `step ${repair.stepId} is not waiting for a department decision, so there is nothing to re-send; retry it instead`,
          );
        }
        if (repair.action === 'skip' && !repair.outputs)
          throw new Error('skipping needs the outputs the dependants use');
      },
    },
  );
  /**
   * One step, from the end of the steps it needs to its own. Every await of a step is in this
   * one function, as it was when the recorded histories were made: moving one into a helper of
   * its own would shift when later commands are sent, and old histories would not replay.
   */
  const runStep = async (step: StepDefinition): Promise<StepResult> => {
    const notStarted = scheduler.skipUnlessReady(step, await scheduler.dependenciesOf(step));
    if (notStarted) return notStarted;
    try {
      if (step.decidedBy === 'worklist') {
        // A person decides: nothing records it but the workflow.
        const decided = await workList.decide(step, outputs.inputOf(step));
        if (decided.status === 'rejected') {
          projection.push({ step: { stepId: step.id, status: 'rejected', error: decided.error } });
          return decided;
        }
        outputs.complete({ step, outputs: decided.outputs });
        projection.push({
          step: { stepId: step.id, status: 'completed', outputs: decided.outputs, error: null },
        });
        return { status: 'completed' };
      }
      // Applications started before operator repairs existed run the call without a repair scope:
      // the scope changes the order of cancellations a withdrawal records (replay test).
      if (!hasFeature(workflowFeatures.operatorStepRepairs)) return await departmentSteps.run(step, 0);
      // An operator may retry the call now, or skip the step entering its outputs: while it is
      // in progress, and while a failed call is held for repair.
      for (let round = 0; ; round += 1) {
        const scope = new CancellationScope();
        repairable.set(step.id, scope);
        try {
          return await scope.run(() => departmentSteps.run(step, round));
        } catch (err) {
          if (withdrawal.requested) throw err;
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
        const entered = repair.outputs ?? {};
        outputs.enter(step.id, entered);
        const error: StepError = {
          code: stepErrorCodes.skippedByOperator,
          message: `skipped by ${repair.operator}: ${repair.reason}`,
        };
        projection.push({ step: { stepId: step.id, status: 'skipped', outputs: entered, error } });
        return { status: 'skipped', error };
      }
    } catch (err) {
      if (isCancellation(err)) {
        return scheduler.skip(step, withdrawal.abandonedError());
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

  const ended = await withdrawal.steps.run(() => scheduler.runAll(runStep));
  const steps: BundleOutcome['steps'] = Object.fromEntries(
    plan.steps.map((step, i) => [step.id, ended[i] as StepResult]),
  );
  let status = applicationOutcome(plan, steps);
  if (withdrawal.requested || status === 'rejected')
    await compensate(applicationId, outputs.completed, steps, projection, pauses);
  if (withdrawal.requested) status = 'withdrawn';
  withdrawal.end();
  projection.push({ application: { status } });
  await projection.flush();
  // Update handlers that run activities (an operator's reassignment of a task) end before the
  // workflow does. No command: histories recorded before them replay unchanged.
  await condition(allHandlersFinished);
  return { status, steps };
}

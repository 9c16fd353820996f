import {
  allHandlersFinished,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyLocalActivities,
} from '@temporalio/workflow';
import type { ReadModelActivities } from '../activities/types.js';
import type { StepDefinition } from '../schemas/bundle.js';
import type { BundleOutcome, BundleWorkflowInput } from '../schemas/workflow.js';
import { ApplicantSupplements } from './applicant-supplements.js';
import { cancelUndecidedCases } from './case-cancellation.js';
import { compensate } from './compensation.js';
import { DepartmentPauses } from './department-pauses.js';
import { DepartmentSteps } from './department-step.js';
import { workflowFeatures } from './features.js';
import { applicationOutcome, classifyStepFailure } from './outcomes.js';
import type { StepResult } from './outcomes.js';
import { ProjectionQueue } from './projection.js';
import { StepOutputs } from './step-outputs.js';
import { StepRepairs } from './step-repairs.js';
import { StepScheduler } from './step-scheduler.js';
import { WorkList } from './work-list.js';
import type { WorkListResult } from './work-list.js';
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
  // A feature the application was started with needs no version marker; otherwise `patched()`
  // decides, so histories recorded before the feature replay its old path (workflows/features.ts).
  const hasFeature = (id: string) => input.features?.includes(id) === true || patched(id);
  // Not cancellable: a withdrawal cancels the steps, never the recording of what happened.
  const projection = new ProjectionQueue((transitions) =>
    CancellationScope.nonCancellable(() => readModel.recordTransitions({ applicationId, transitions })),
  );
  const outputs = new StepOutputs(input.form, input.applicant);
  // Each part registers the updates and signals it answers.
  const withdrawal = new Withdrawal();
  const applicant = new ApplicantSupplements();
  const workList = new WorkList(applicationId, projection, applicant);
  const pauses = new DepartmentPauses();
  const scheduler = new StepScheduler(plan, projection, outputs, withdrawal);
  const departmentSteps = new DepartmentSteps({
    applicationId,
    projection,
    pauses,
    outputs,
    isUnsettled: (stepId) => scheduler.isUnsettled(stepId),
    hasFeature,
    applicant,
  });
  const repairs = new StepRepairs({
    projection,
    outputs,
    failedStepHold: input.failedStepHold,
    hasFeature,
    isAwaitingDecision: (stepId) => departmentSteps.isAwaitingDecision(stepId),
  });

  /** A person's decision: nothing records it but the workflow. */
  const recordWorkListResult = (step: StepDefinition, decided: WorkListResult): StepResult => {
    if (decided.status === 'rejected') {
      projection.push({ step: { stepId: step.id, status: 'rejected', error: decided.error } });
      return decided;
    }
    outputs.complete({ step, outputs: decided.outputs });
    projection.push({
      step: { stepId: step.id, status: 'completed', outputs: decided.outputs, error: null },
    });
    return { status: 'completed' };
  };

  /**
   * One step, from the end of the steps it needs to its own: decided by a person in the work
   * list or by a department, which an operator may repair. Every await of a step is in this
   * one function, as when the recorded histories were made: an async helper around one would
   * end the step a microtask later, which can reorder the commands of steps running in
   * parallel, and histories would no longer replay.
   */
  const runStep = async (step: StepDefinition): Promise<StepResult> => {
    const notStarted = scheduler.skipUnlessReady(step, await scheduler.dependenciesOf(step));
    if (notStarted) return notStarted;
    try {
      if (step.decidedBy === 'worklist') {
        return recordWorkListResult(step, await workList.decide(step, outputs.inputOf(step)));
      }
      // Applications started before operator repairs existed run the call without a repair scope:
      // the scope changes the order of cancellations a withdrawal records (replay test).
      if (!hasFeature(workflowFeatures.operatorStepRepairs)) return await departmentSteps.run(step, 0);
      // An operator may retry the call now, or skip the step entering its outputs: while it is
      // in progress, and while a failed call is held for repair.
      for (let round = 0; ; round += 1) {
        const scope = repairs.open(step.id);
        try {
          return await scope.run(() => departmentSteps.run(step, round));
        } catch (err) {
          if (withdrawal.requested) throw err;
          if (!repairs.interrupted(step.id, err)) {
            const failed = await repairs.heldForRepair(step, err);
            if (failed) return failed;
          }
        } finally {
          repairs.close(step.id);
        }
        const repaired = repairs.apply(step);
        if (repaired) return repaired;
      }
    } catch (err) {
      if (isCancellation(err)) return scheduler.skip(step, withdrawal.abandonedError());
      const ended = classifyStepFailure(err);
      // A rejection is a decision the call already recorded; any other end is recorded here.
      if (ended.status !== 'rejected') projection.push({ step: { stepId: step.id, ...ended } });
      return ended;
    }
  };

  const ended = await withdrawal.steps.run(() => scheduler.runAll(runStep));
  const steps: BundleOutcome['steps'] = Object.fromEntries(
    plan.steps.map((step, i) => [step.id, ended[i] as StepResult]),
  );
  // Asked only when a case is open: a history recorded before cancellations replays unchanged.
  const anyOpenCase = plan.steps.some((step) => departmentSteps.undecidedCase(step.id) !== undefined);
  if (withdrawal.requested && anyOpenCase && hasFeature(workflowFeatures.cancelOnWithdrawal)) {
    await cancelUndecidedCases(
      {
        applicationId,
        plan,
        projection,
        pauses,
        outputs,
        undecidedCase: (stepId) => departmentSteps.undecidedCase(stepId),
        withdrawnBy: () => withdrawal.by(),
      },
      steps,
    );
  }
  let status = applicationOutcome(plan, steps);
  if (withdrawal.requested || status === 'rejected')
    await compensate(applicationId, outputs.completed, steps, projection, pauses, hasFeature);
  if (withdrawal.requested) status = 'withdrawn';
  withdrawal.end();
  projection.push({ application: { status } });
  await projection.flush();
  // Update handlers that run activities (an operator's reassignment of a task) end before the
  // workflow does. No command: histories recorded before them replay unchanged.
  await condition(allHandlersFinished);
  return { status, steps };
}

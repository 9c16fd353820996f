/**
 * Test-only workflows, each running one part of the step-graph workflow (workflows/run-bundle.ts)
 * on its own, for the time-skipping tests of that part. Transitions are kept in the workflow and
 * returned instead of written to a read model.
 */
import { ApplicationFailure, defineQuery, isCancellation, setHandler, sleep } from '@temporalio/workflow';
import type { BundlePlan, StepDefinition } from '../../schemas/bundle.js';
import type { Transition } from '../../schemas/workflow.js';
import { ApplicantSupplements } from '../../workflows/applicant-supplements.js';
import { compensate } from '../../workflows/compensation.js';
import { DepartmentPauses } from '../../workflows/department-pauses.js';
import { DepartmentSteps } from '../../workflows/department-step.js';
import type { StepResult } from '../../workflows/outcomes.js';
import { ProjectionQueue } from '../../workflows/projection.js';
import { StepOutputs } from '../../workflows/step-outputs.js';
import { StepRepairs } from '../../workflows/step-repairs.js';
import { StepScheduler } from '../../workflows/step-scheduler.js';
import { Withdrawal } from '../../workflows/withdrawal.js';

const applicationId = 'piece-test';

function parts(form: Record<string, unknown> = {}) {
  const transitions: Transition[] = [];
  const projection = new ProjectionQueue(async (batch) => {
    transitions.push(...batch);
  });
  return { transitions, projection, outputs: new StepOutputs(form, {}) };
}

/** How a scheduled step's stand-in work ends, and after how long. */
export interface StubWork {
  ms: number;
  result: StepResult;
  outputs?: Record<string, unknown>;
}

/**
 * StepScheduler with stand-in work for each step: a durable sleep, then the given result.
 * Returns each step's result, when it started (ms after the workflow did) and the transitions.
 */
export async function scheduledSteps(input: {
  plan: BundlePlan;
  form: Record<string, unknown>;
  work: Record<string, StubWork>;
}) {
  const { transitions, projection, outputs } = parts(input.form);
  const withdrawal = new Withdrawal();
  const scheduler = new StepScheduler(input.plan, projection, outputs, withdrawal);
  const began = Date.now();
  const started: Record<string, number> = {};
  const ended = await withdrawal.steps.run(() =>
    scheduler.runAll(async (step) => {
      const notStarted = scheduler.skipUnlessReady(step, await scheduler.dependenciesOf(step));
      if (notStarted) return notStarted;
      started[step.id] = Date.now() - began;
      const work = input.work[step.id] ?? { ms: 0, result: { status: 'completed' } };
      try {
        await sleep(work.ms);
      } catch (err) {
        if (isCancellation(err)) return scheduler.skip(step, withdrawal.abandonedError());
        throw err;
      }
      if (work.result.status === 'completed') outputs.complete({ step, outputs: work.outputs ?? {} });
      return work.result;
    }),
  );
  await projection.flush();
  return {
    results: Object.fromEntries(input.plan.steps.map((s, i) => [s.id, ended[i]])),
    started,
    transitions,
  };
}

/**
 * One DepartmentSteps round; the outputs a dependant reading `steps.<id>.<field>` would get.
 * `features`: those the application was started with (workflows/features.ts).
 */
export async function departmentStep(input: {
  step: StepDefinition;
  readBack: StepDefinition;
  features: string[];
}) {
  const { transitions, projection, outputs } = parts();
  let ended = false;
  const steps = new DepartmentSteps({
    applicationId,
    projection,
    pauses: new DepartmentPauses(),
    outputs,
    isUnsettled: (stepId) => stepId === input.step.id && !ended,
    hasFeature: (id) => input.features.includes(id),
    applicant: new ApplicantSupplements(),
  });
  const result = await steps.run(input.step, 0);
  ended = true;
  await projection.flush();
  return { result, completed: outputs.completed, readBack: outputs.inputOf(input.readBack), transitions };
}

/**
 * StepRepairs around DepartmentSteps, with the round protocol runBundle's runStep follows: a
 * round in the scope `open` gives, a failed call held for repair, then the repair applied.
 */
export async function repairedStep(input: {
  step: StepDefinition;
  readBack: StepDefinition;
  failedStepHold?: string;
  features: string[];
}) {
  const { transitions, projection, outputs } = parts();
  let ended = false;
  const steps = new DepartmentSteps({
    applicationId,
    projection,
    pauses: new DepartmentPauses(),
    outputs,
    isUnsettled: (stepId) => stepId === input.step.id && !ended,
    hasFeature: (id) => input.features.includes(id),
    applicant: new ApplicantSupplements(),
  });
  const repairs = new StepRepairs({
    projection,
    outputs,
    failedStepHold: input.failedStepHold,
    hasFeature: (id) => input.features.includes(id),
    isAwaitingDecision: (stepId) => steps.isAwaitingDecision(stepId),
  });
  const step = input.step;
  const began = Date.now();
  let result: StepResult | undefined;
  let rounds = 0;
  try {
    for (let round = 0; result === undefined; round += 1) {
      rounds = round + 1;
      const scope = repairs.open(step.id);
      try {
        result = await scope.run(() => steps.run(step, round));
        break;
      } catch (err) {
        if (!repairs.interrupted(step.id, err)) result = await repairs.heldForRepair(step, err);
      } finally {
        repairs.close(step.id);
      }
      result ??= repairs.apply(step);
    }
  } catch (err) {
    // Not held: the failure ends the step (runBundle classifies it).
    result = { status: 'failed', error: { code: 'NotHeld', message: String(err) } };
  }
  ended = true;
  await projection.flush();
  const elapsedMs = Date.now() - began;
  return { result, rounds, elapsedMs, readBack: outputs.inputOf(input.readBack), transitions };
}

/** True once `withdrawnSteps` has ended the application (compensation done). */
export const applicationEnded = defineQuery<boolean>('applicationEnded');

/**
 * Withdrawal and compensation: the steps of `plan` before `waitFrom` complete at once, the
 * others wait a day each in the steps' scope until the test withdraws the application; then
 * the completed steps are compensated, and the application ends an hour later, so the test
 * can see a late withdrawal refused.
 */
export async function withdrawnSteps(input: { plan: BundlePlan; waitFrom: number; features: string[] }) {
  const { transitions, projection, outputs } = parts();
  const withdrawal = new Withdrawal();
  let ended = false;
  setHandler(applicationEnded, () => ended);
  const results = await withdrawal.steps.run(() =>
    Promise.all(
      input.plan.steps.map(async (step, i): Promise<StepResult> => {
        if (i < input.waitFrom) {
          outputs.complete({ step, outputs: { n: i }, receiptNumber: `R${i}` });
          return { status: 'completed' };
        }
        try {
          await sleep('1d');
          return { status: 'completed' };
        } catch (err) {
          if (!isCancellation(err)) throw err;
          return { status: 'skipped', error: withdrawal.abandonedError() };
        }
      }),
    ),
  );
  const steps = Object.fromEntries(input.plan.steps.map((s, i) => [s.id, results[i] as StepResult]));
  if (!withdrawal.requested) throw ApplicationFailure.nonRetryable('the test expects a withdrawal');
  await compensate(applicationId, outputs.completed, steps, projection, new DepartmentPauses(), (id) =>
    input.features.includes(id),
  );
  withdrawal.end();
  ended = true;
  await projection.flush();
  await sleep('1h');
  return { steps, transitions };
}

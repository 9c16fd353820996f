import { ApplicationFailure } from '@temporalio/workflow';
import type { BundlePlan, StepDefinition } from '../schemas/bundle.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import type { StepError } from '../schemas/workflow.js';
import { notApplicable, provides } from './outcomes.js';
import type { StepResult } from './outcomes.js';
import type { ProjectionQueue } from './projection.js';
import type { StepOutputs } from './step-outputs.js';
import type { Withdrawal } from './withdrawal.js';

/** Runs one step to its end; it waits for its dependencies itself (`dependenciesOf`). */
export type StepRunner = (step: StepDefinition) => Promise<StepResult>;

/**
 * The plan's steps in dependency order: each runs once, as soon as the steps it needs have
 * ended, so independent steps run in parallel. A step does not start, and is recorded as
 * skipped, when the application was withdrawn, when a step it needs gave no outputs (blocked
 * by that dependency), when the form says it does not apply, or when it is optional and the
 * applicant did not opt in.
 */
export class StepScheduler {
  private readonly steps: ReadonlyMap<string, StepDefinition>;
  private readonly results = new Map<string, Promise<StepResult>>();
  /** Steps that have ended, whatever their result. */
  private readonly settled = new Set<string>();
  private run: StepRunner | undefined;

  constructor(
    private readonly plan: BundlePlan,
    private readonly projection: ProjectionQueue,
    private readonly outputs: StepOutputs,
    private readonly withdrawal: Withdrawal,
  ) {
    this.steps = new Map(plan.steps.map((step) => [step.id, step]));
  }

  /** Runs every step of the plan with `run`; their results in the plan's order. */
  runAll(run: StepRunner): Promise<StepResult[]> {
    this.run = run;
    return Promise.all(this.plan.steps.map((step) => this.resultOf(step.id)));
  }

  /** The results of the steps `step` runs after, once they have all ended. */
  dependenciesOf(step: StepDefinition): Promise<StepResult[]> {
    return Promise.all(step.after.map((stepId) => this.resultOf(stepId)));
  }

  /**
   * Given the results of its dependencies, skips `step` (recorded) if it must not start: the
   * skipped result, or undefined when it starts.
   */
  skipUnlessReady(step: StepDefinition, needed: readonly StepResult[]): StepResult | undefined {
    if (this.withdrawal.requested) return this.skip(step, this.withdrawal.notStartedError());
    if (step.appliesWhen && !this.outputs.applies(step)) {
      return this.skip(step, {
        code: stepErrorCodes.notApplicable,
        message: `not applicable: ${step.appliesWhen.field} is not ${step.appliesWhen.equals}`,
      });
    }
    // A step that did not apply blocks nothing: the step that applied instead provides.
    const blocker = step.after.find((_, i) => !provides(needed[i]) && !notApplicable(needed[i]));
    if (blocker !== undefined) {
      return this.skip(step, {
        code: stepErrorCodes.blockedByDependency,
        message: `not started: ${blocker} did not complete`,
      });
    }
    if (!this.outputs.optedIn(step)) {
      return this.skip(step, { code: stepErrorCodes.notOptedIn, message: 'the applicant did not opt in' });
    }
    return undefined;
  }

  /** Ends a step as skipped, recorded in the read model. */
  skip(step: StepDefinition, error: StepError): StepResult {
    this.projection.push({ step: { stepId: step.id, status: 'skipped', error } });
    return { status: 'skipped', error };
  }

  /** The step is in the plan and has not ended yet. */
  isUnsettled(stepId: string): boolean {
    return this.steps.has(stepId) && !this.settled.has(stepId);
  }

  private resultOf(stepId: string): Promise<StepResult> {
    let result = this.results.get(stepId);
    if (!result) {
      const step = this.steps.get(stepId);
      if (!step) throw ApplicationFailure.nonRetryable(`unknown step ${stepId}`, 'InvalidBundlePlan');
      if (!this.run) throw new Error('runAll starts the steps');
      result = this.run(step);
      this.results.set(stepId, result);
      void result.then(
        () => this.settled.add(stepId),
        () => this.settled.add(stepId),
      );
    }
    return result;
  }
}

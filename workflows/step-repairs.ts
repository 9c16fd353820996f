import { CancellationScope, condition, isCancellation, setHandler } from '@temporalio/workflow';
import type { StepDefinition } from '../schemas/bundle.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import type { StepError } from '../schemas/workflow.js';
import { durationMs } from '../schemas/durations.js';
import { workflowFeatures } from './features.js';
import { repairStep } from './messages.js';
import type { RepairStepUpdate } from './messages.js';
import { classifyStepFailure } from './outcomes.js';
import type { StepResult } from './outcomes.js';
import type { ProjectionQueue } from './projection.js';
import type { StepOutputs } from './step-outputs.js';

/** What operators' repairs need from the rest of the workflow. */
export interface StepRepairsDeps {
  projection: ProjectionQueue;
  outputs: StepOutputs;
  /** How long a failed call is held for a repair (`BundleWorkflowInput.failedStepHold`); none if unset. */
  failedStepHold: string | undefined;
  hasFeature: (id: string) => boolean;
  /** The step waits for its department's later decision, which a re-send submits again. */
  isAwaitingDecision: (stepId: string) => boolean;
}

/**
 * Operators' repairs of a department step in progress (`repairStep`): retry the call now,
 * re-send it to a department that lost the case, or skip the step entering the outputs its
 * dependants need. A step is repairable while a round of its call runs in the scope `open`
 * gives it, and while a failed call is held for repair (`heldForRepair`); the step's runner
 * (runBundle) then `apply`s the repair asked for.
 */
export class StepRepairs {
  /** Steps an operator can repair now: the scope of the call or wait in progress. */
  private readonly repairable = new Map<string, CancellationScope>();
  /** Repairs asked for and not yet applied. */
  private readonly asked = new Map<string, RepairStepUpdate>();
  private readonly failedStepHoldMs: number;

  constructor(private readonly deps: StepRepairsDeps) {
    this.failedStepHoldMs = deps.failedStepHold ? durationMs(deps.failedStepHold) : 0;
    setHandler(
      repairStep,
      (repair) => {
        this.asked.set(repair.stepId, repair);
        this.repairable.get(repair.stepId)?.cancel();
        return 'repairing' as const;
      },
      {
        validator: (repair: RepairStepUpdate) => {
          if (!this.repairable.has(repair.stepId) || this.asked.has(repair.stepId)) {
            throw new Error(`step ${repair.stepId} is not in progress, so it cannot be repaired now`);
          }
          if (!repair.reason.trim()) throw new Error('a reason is required');
          if (repair.action === 'resend' && !this.deps.isAwaitingDecision(repair.stepId)) {
            throw new Error(
              `step ${repair.stepId} is not waiting for a department decision, so there is nothing to re-send; retry it instead`,
            );
          }
          if (repair.action === 'skip' && !repair.outputs)
            throw new Error('skipping needs the outputs the dependants use');
        },
      },
    );
  }

  /** A round of the step's call starts: repairable until `close`, in the scope a repair cancels. */
  open(stepId: string): CancellationScope {
    const scope = new CancellationScope();
    this.repairable.set(stepId, scope);
    return scope;
  }

  /** The round ended. */
  close(stepId: string): void {
    this.repairable.delete(stepId);
  }

  /** The round ended because an operator asked for a repair (it cancelled the round's scope). */
  interrupted(stepId: string, err: unknown): boolean {
    return isCancellation(err) && this.asked.has(stepId);
  }

  /**
   * A call that failed (not a decision) is recorded as failed and held for an operator's repair
   * for `failedStepHold`, like an incident: undefined when a repair came (the caller applies it),
   * the failed result when none came in time. Anything else is thrown on.
   */
  async heldForRepair(step: StepDefinition, err: unknown): Promise<StepResult | undefined> {
    if (isCancellation(err) || this.failedStepHoldMs === 0) throw err;
    const failed = classifyStepFailure(err);
    if (failed.status !== 'failed' || !this.deps.hasFeature(workflowFeatures.failedStepHold)) throw err;
    this.deps.projection.push({ step: { stepId: step.id, ...failed } });
    return (await condition(() => this.asked.has(step.id), this.failedStepHoldMs)) ? undefined : failed;
  }

  /**
   * Applies the repair asked for: undefined when the step calls its department again (a retry
   * now; a re-send submits again what the department lost in an outage), or how it ended.
   */
  apply(step: StepDefinition): StepResult | undefined {
    const repair = this.asked.get(step.id) as RepairStepUpdate;
    this.asked.delete(step.id);
    if (repair.action === 'retry' || repair.action === 'resend') return undefined;
    const outputs = repair.outputs ?? {};
    this.deps.outputs.enter(step.id, outputs);
    const error: StepError = {
      code: stepErrorCodes.skippedByOperator,
      message: `skipped by ${repair.operator}: ${repair.reason}`,
    };
    this.deps.projection.push({ step: { stepId: step.id, status: 'skipped', outputs, error } });
    return { status: 'skipped', error };
  }
}

import { condition, setHandler } from '@temporalio/workflow';
import type { StepDefinition } from '../schemas/bundle.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import type { StepError } from '../schemas/workflow.js';
import { pollActivityId } from './activity-ids.js';
import type { CallDepartmentResult } from '../activities/types.js';
import type { ApplicantSupplements } from './applicant-supplements.js';
import { departmentActivitiesFor, pollingActivitiesFor } from './department-calls.js';
import { DepartmentSupplements } from './department-supplements.js';
import type { DepartmentPauses } from './department-pauses.js';
import { durationMs } from '../schemas/durations.js';
import { workflowFeatures } from './features.js';
import { departmentDecision } from './messages.js';
import type { DepartmentDecisionUpdate } from './messages.js';
import type { StepResult } from './outcomes.js';
import type { ProjectionQueue } from './projection.js';
import { stepIdempotencyKey } from './step-inputs.js';
import type { StepOutputs } from './step-outputs.js';
import { nextPollInterval } from './poll-interval.js';

/** What a department step needs from the rest of the workflow. */
export interface DepartmentStepsDeps {
  applicationId: string;
  projection: ProjectionQueue;
  pauses: DepartmentPauses;
  outputs: StepOutputs;
  /** The step is in the plan and has not ended: a decision on it may still come. */
  isUnsettled: (stepId: string) => boolean;
  hasFeature: (id: string) => boolean;
  /** The applicant's answers to what departments ask for (补正), shared with the work list. */
  applicant: ApplicantSupplements;
}

/**
 * Steps a department's own system decides: the call (made again after an outage once the
 * department is resumed) and, when the department accepts and decides later, the durable wait
 * for its decision, delivered by its callback (`departmentDecision`) or found by polling.
 */
export class DepartmentSteps {
  /** Steps a department accepted and decides later: step id → receipt number. */
  private readonly awaiting = new Map<string, string>();
  /** Decisions received, by step id. */
  private readonly decisions = new Map<string, DepartmentDecisionUpdate>();
  /**
   * Cases a department accepted whose decision the step has not taken in: step id → receipt.
   * Unlike `awaiting`, kept when the wait is cancelled, so a withdrawal can cancel the case.
   */
  private readonly openCases = new Map<string, string>();

  /** Requests for supplements: the applicant's answers, sent back to the department's case. */
  private readonly supplements: DepartmentSupplements;

  constructor(private readonly deps: DepartmentStepsDeps) {
    this.supplements = new DepartmentSupplements(deps);
    setHandler(
      departmentDecision,
      (decision) => {
        this.decisions.set(decision.stepId, decision);
        return 'recorded' as const;
      },
      {
        // A callback may overtake the workflow learning of the acceptance (the department decided at
        // once): a decision for a step still in progress is kept, and matched when the step waits.
        validator: (decision: DepartmentDecisionUpdate) => {
          const expected = this.awaiting.get(decision.stepId);
          if (
            !this.deps.isUnsettled(decision.stepId) ||
            this.decisions.has(decision.stepId) ||
            (expected !== undefined && expected !== decision.receiptNumber)
          ) {
            throw new Error(
              `step ${decision.stepId} is not waiting for a decision on ${decision.receiptNumber}`,
            );
          }
        },
      },
    );
  }

  /** The receipt of the step's accepted case when the step ended without its decision. */
  undecidedCase(stepId: string): string | undefined {
    return this.openCases.get(stepId);
  }

  /** The step waits for its department's later decision (an operator may re-send it). */
  isAwaitingDecision(stepId: string): boolean {
    return this.awaiting.has(stepId);
  }

  /**
   * One department call (`round`: how many times an operator asked for it again) and, if the
   * department decides later, the wait for its decision; if it asks for supplements (补正), the
   * applicant's answers sent to its case, as often as it asks, until it decides.
   */
  async run(step: StepDefinition, round: number): Promise<StepResult> {
    const { applicationId, projection, outputs } = this.deps;
    // The call records its own step's start and the department's decision in the read model.
    // While an operator keeps the department paused (outage mode), the call waits to be made.
    let answer: CallDepartmentResult = await this.deps.pauses.callUnlessPaused(
      step.department,
      (pausedBefore) =>
        departmentActivitiesFor(step, round, pausedBefore).callDepartment({
          applicationId,
          stepId: step.id,
          department: step.department,
          service: step.service,
          input: outputs.inputOf(step),
          idempotencyKey: stepIdempotencyKey(applicationId, step.id),
          purpose: `${step.title.zh} ${step.title.en}`,
          timeLimitWorkingDays: step.timeLimitWorkingDays,
          ...(round > 0 || pausedBefore > 0 ? { callKey: `r${round}p${pausedBefore}` } : {}),
        }),
    );
    // Each await of the first round's paths stays in this function, as when the recorded
    // histories were made (see runStep in run-bundle.ts); the supplement rounds are new paths.
    for (let supplementRound = 1; ;) {
      // Recorded in the read model by the activity that heard it, unless it came by callback.
      let recordedRequest = true;
      if (answer.accepted) {
        this.openCases.set(step.id, answer.receiptNumber);
        const { decision: later, recorded } = await this.laterDecision(
          step,
          round,
          answer.receiptNumber,
          answer.pollable,
          supplementRound,
        );
        if (later.outcome === 'supplement-required') {
          answer = {
            supplementRequired: true,
            receiptNumber: answer.receiptNumber,
            missing: later.missing ?? [],
            pollable: answer.pollable,
          };
          recordedRequest = recorded;
        } else {
          this.openCases.delete(step.id);
          if (later.outcome === 'rejected') {
            const error: StepError = {
              code: stepErrorCodes.departmentRejected,
              message: later.reason ?? 'rejected',
              ...(later.reasonCode ? { reasonCode: later.reasonCode } : {}),
            };
            if (!recorded) projection.push({ step: { stepId: step.id, status: 'rejected', error } });
            return { status: 'rejected', error };
          }
          const laterOutputs = later.outputs ?? {};
          outputs.complete({ step, outputs: laterOutputs, receiptNumber: answer.receiptNumber });
          if (!recorded)
            projection.push({
              step: { stepId: step.id, status: 'completed', outputs: laterOutputs, error: null },
            });
          return { status: 'completed' };
        }
      }
      if ('supplementRequired' in answer) {
        supplementRound += 1;
        this.openCases.set(step.id, answer.receiptNumber);
        const sent = await this.supplements.exchange(step, round, supplementRound, answer, recordedRequest);
        if (sent.status === 'rejected') {
          this.openCases.delete(step.id);
          return sent;
        }
        answer = sent.answer;
        continue;
      }
      this.openCases.delete(step.id);
      outputs.complete({
        step,
        outputs: answer.outputs,
        ...(answer.receiptNumber ? { receiptNumber: answer.receiptNumber } : {}),
      });
      return { status: 'completed' };
    }
  }

  /**
   * Waits durably for a later decision: a callback, or polling with growing intervals (no
   * activity is held open meanwhile; `nextPollInterval` keeps a long wait's history small). A
   * polled decision was recorded by the poll itself.
   */
  private async laterDecision(
    step: StepDefinition,
    round: number,
    receiptNumber: string,
    pollable: boolean,
    supplementRound: number,
  ): Promise<{ decision: DepartmentDecisionUpdate; recorded: boolean }> {
    const { applicationId, hasFeature } = this.deps;
    const decided = () => this.decisions.has(step.id);
    let recorded = false;
    this.awaiting.set(step.id, receiptNumber);
    let polls = 0;
    let interval = durationMs(step.pollInterval ?? '30s');
    const maxInterval = durationMs(step.maxPollInterval ?? '1h');
    const acceptedAt = Date.now();
    // An operator's re-send ends the wait early (cancelled); the step is no longer awaiting then.
    try {
      while (!decided()) {
        if (!pollable) {
          await condition(decided);
          break;
        }
        if (await condition(decided, interval)) break;
        polls += 1;
        // Asked before each poll: an application started before polls had ids replays the
        // numbered ones its history holds, and names those it makes from now on.
        const pollId = hasFeature(workflowFeatures.stepActivityIds)
          ? pollActivityId(step.id, round, polls, supplementRound)
          : undefined;
        const polled = await pollingActivitiesFor(step, pollId).pollDepartment({
          applicationId,
          stepId: step.id,
          department: step.department,
          service: step.service,
          receiptNumber,
          idempotencyKey: stepIdempotencyKey(applicationId, step.id),
          ...(supplementRound > 1 ? { round: supplementRound } : {}),
        });
        if (!polled.pending && !decided()) {
          this.decisions.set(
            step.id,
            'supplementRequired' in polled
              ? { stepId: step.id, receiptNumber, outcome: 'supplement-required', missing: polled.missing }
              : { stepId: step.id, receiptNumber, outcome: 'completed', outputs: polled.outputs },
          );
          recorded = true;
        }
        // A timer's duration is not part of what replay checks: running cases take the new spacing.
        interval = nextPollInterval(interval, maxInterval, Date.now() - acceptedAt);
      }
    } finally {
      this.awaiting.delete(step.id);
    }
    const decision = this.decisions.get(step.id) as DepartmentDecisionUpdate;
    // A request for supplements is not the decision: the next one is awaited after the answers.
    if (decision.outcome === 'supplement-required') this.decisions.delete(step.id);
    return { decision, recorded };
  }
}

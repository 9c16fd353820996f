import { ApplicationFailure, CancellationScope, condition, proxyActivities } from '@temporalio/workflow';
import type { CallDepartmentResult, SupplementRequired, WorkListActivities } from '../activities/types.js';
import type { StepDefinition } from '../schemas/bundle.js';
import { failureTypes, stepErrorCodes } from '../schemas/error-codes.js';
import type { StepError } from '../schemas/workflow.js';
import type { ApplicantSupplements } from './applicant-supplements.js';
import { supplementActivitiesFor } from './department-calls.js';
import type { DepartmentPauses } from './department-pauses.js';
import { workflowFeatures } from './features.js';
import type { ProjectionQueue } from './projection.js';
import { supplementWaiting } from './progress.js';
import { stepIdempotencyKey } from './step-inputs.js';

const clock = proxyActivities<Pick<WorkListActivities, 'pauseClockForSupplement' | 'resumeApplicationClock'>>(
  {
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m' },
  },
);

/** Working days the applicant has to answer a department, unless the step says otherwise. */
export const defaultSupplementWorkingDays = 10;

/** What the supplement loop of department steps needs from the rest of the workflow. */
export interface DepartmentSupplementsDeps {
  applicationId: string;
  projection: ProjectionQueue;
  pauses: DepartmentPauses;
  applicant: ApplicantSupplements;
  hasFeature: (id: string) => boolean;
}

/** How one round ended: the department's answer to the supplements, or rejected at the deadline. */
export type SupplementRoundResult =
  { status: 'sent'; answer: CallDepartmentResult } | { status: 'rejected'; error: StepError };

/**
 * A department's request for supplements (补正): the step and the application wait for the
 * applicant, whose promised-time clock stops meanwhile (Administrative Licensing Law art. 32),
 * for at most the step's `supplementWorkingDays` on the business calendar. The answers go to the
 * department's case under the step call's own idempotency key, with the round they answer; no
 * answer by the deadline rejects the step with "supplement not provided".
 */
export class DepartmentSupplements {
  constructor(private readonly deps: DepartmentSupplementsDeps) {}

  /**
   * One round: asks the applicant for what `request` lists (`recorded`: the activity that heard
   * the request wrote it on the step already) and sends the answers as `supplementRound`.
   */
  async exchange(
    step: StepDefinition,
    round: number,
    supplementRound: number,
    request: SupplementRequired,
    recorded: boolean,
  ): Promise<SupplementRoundResult> {
    const { applicationId, projection, applicant } = this.deps;
    // New commands: histories recorded before department supplements never get here.
    if (!this.deps.hasFeature(workflowFeatures.departmentSupplements)) {
      throw ApplicationFailure.nonRetryable(
        `${step.department} asked for supplements, which this application was started without`,
        failureTypes.departmentOutputInvalid,
      );
    }
    if (!recorded) {
      projection.push({
        step: {
          stepId: step.id,
          status: 'waiting',
          receiptNumber: request.receiptNumber,
          waiting: supplementWaiting(step.department, request.missing),
          error: null,
        },
      });
    }
    projection.push({ application: { status: 'waiting' } });
    applicant.ask(step.id, request.missing);
    let answers: Record<string, string> | undefined;
    try {
      const { deadline } = await clock.pauseClockForSupplement({
        applicationId,
        at: new Date().toISOString(),
        workingDays: step.supplementWorkingDays ?? defaultSupplementWorkingDays,
      });
      const untilDeadline = Math.max(0, Date.parse(deadline) - Date.now());
      if (await condition(() => applicant.answered(step.id), untilDeadline))
        answers = applicant.answersOf(step.id);
    } finally {
      applicant.close(step.id);
      // Also when withdrawn meanwhile: the clock of what remains runs again.
      await CancellationScope.nonCancellable(() =>
        clock.resumeApplicationClock({ applicationId, at: new Date().toISOString() }),
      );
      projection.push({ application: { status: 'running' } });
    }
    if (!answers) {
      const error: StepError = {
        code: stepErrorCodes.supplementNotProvided,
        message: 'supplement not provided',
      };
      projection.push({ step: { stepId: step.id, status: 'rejected', error } });
      return { status: 'rejected', error };
    }
    const sent = answers;
    const answer = await this.deps.pauses.callUnlessPaused(step.department, (pausedBefore) =>
      supplementActivitiesFor(step, round, supplementRound, pausedBefore).supplementDepartment({
        applicationId,
        stepId: step.id,
        department: step.department,
        service: step.service,
        receiptNumber: request.receiptNumber,
        idempotencyKey: stepIdempotencyKey(applicationId, step.id),
        round: supplementRound,
        answers: sent,
        purpose: `${step.title.zh} ${step.title.en}`,
      }),
    );
    return { status: 'sent', answer };
  }
}

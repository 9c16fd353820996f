import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/workflow';
import type { RejectionDetails } from '../activities/types.js';
import type { BundlePlan } from '../schemas/bundle.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import type { ApplicationStatus } from '../schemas/status.js';
import type { BundleOutcome, StepError } from '../schemas/workflow.js';

/** How one step ended, as the workflow returns it. */
export type StepResult = BundleOutcome['steps'][string];

/**
 * What ended a call: its last attempt's failure, also when the call's budget ran out during an
 * attempt (Temporal then reports a timeout whose cause is that failure, if there was one).
 */
function endingFailure(err: unknown): unknown {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof TimeoutFailure && cause.cause ? cause.cause : cause;
}

/**
 * True when the call stopped because its retry budget (`scheduleToCloseTimeout`) was spent: no
 * retry fitted in it, or it ran out during an attempt. An attempt's own timeout (`callTimeout`,
 * start-to-close) on the last allowed attempt is not that.
 */
function budgetSpent(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  const timeout = err.cause instanceof TimeoutFailure ? err.cause : undefined;
  return err.retryState === 'TIMEOUT' || timeout?.timeoutType === 'SCHEDULE_TO_CLOSE';
}

/** A department's decision against the applicant is `rejected`; anything else that ended the step is `failed`. */
export function classifyStepFailure(err: unknown): { status: 'rejected' | 'failed'; error: StepError } {
  const cause = endingFailure(err);
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
  // The last failure's type stays the step's code (a broken answer stays DepartmentOutputInvalid).
  const spent = budgetSpent(err) ? 'retry budget spent: ' : '';
  if (cause instanceof ApplicationFailure && cause.type) {
    return { status: 'failed', error: { code: cause.type, message: `${spent}${cause.message}` } };
  }
  const message = cause instanceof Error ? cause.message : 'the step failed';
  return { status: 'failed', error: { code: stepErrorCodes.stepFailed, message: `${spent}${message}` } };
}

/** A step whose outputs its dependants can use: completed, or skipped by an operator who entered them. */
export function provides(result: StepResult | undefined): boolean {
  return (
    result?.status === 'completed' ||
    (result?.status === 'skipped' && result.error?.code === stepErrorCodes.skippedByOperator)
  );
}

/** A step the form said does not apply (`appliesWhen`): neither missing nor blocking. */
export function notApplicable(result: StepResult | undefined): boolean {
  return result?.status === 'skipped' && result.error?.code === stepErrorCodes.notApplicable;
}

/**
 * A required step's rejection rejects the application; its failure fails it. An opted-in
 * optional step that did not complete leaves the application partially completed.
 */
export function applicationOutcome(plan: BundlePlan, steps: BundleOutcome['steps']): ApplicationStatus {
  const required = plan.steps.filter((step) => step.optInField === undefined);
  if (required.some((step) => steps[step.id]?.status === 'rejected')) return 'rejected';
  const missing = (step: BundlePlan['steps'][number]) =>
    !provides(steps[step.id]) && !notApplicable(steps[step.id]);
  if (required.some(missing)) return 'failed';
  const optionalMissed = plan.steps.some(
    (step) => step.optInField !== undefined && ['rejected', 'failed'].includes(steps[step.id]?.status ?? ''),
  );
  return optionalMissed ? 'partially_completed' : 'completed';
}

import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { RejectionDetails } from '../activities/types.js';
import type { BundlePlan } from '../schemas/bundle.js';
import { stepErrorCodes } from '../schemas/error-codes.js';
import type { ApplicationStatus } from '../schemas/status.js';
import type { BundleOutcome, StepError } from '../schemas/workflow.js';

/** How one step ended, as the workflow returns it. */
export type StepResult = BundleOutcome['steps'][string];

/** A department's decision against the applicant is `rejected`; anything else that ended the step is `failed`. */
export function classifyStepFailure(err: unknown): { status: 'rejected' | 'failed'; error: StepError } {
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

/** A step whose outputs its dependants can use: completed, or skipped by an operator who entered them. */
export function provides(result: StepResult | undefined): boolean {
  return (
    result?.status === 'completed' ||
    (result?.status === 'skipped' && result.error?.code === stepErrorCodes.skippedByOperator)
  );
}

/**
 * A required step's rejection rejects the application; its failure fails it. An opted-in
 * optional step that did not complete leaves the application partially completed.
 */
export function applicationOutcome(plan: BundlePlan, steps: BundleOutcome['steps']): ApplicationStatus {
  const required = plan.steps.filter((step) => step.optInField === undefined);
  if (required.some((step) => steps[step.id]?.status === 'rejected')) return 'rejected';
  if (required.some((step) => !provides(steps[step.id]))) return 'failed';
  const optionalMissed = plan.steps.some(
    (step) => step.optInField !== undefined && ['rejected', 'failed'].includes(steps[step.id]?.status ?? ''),
  );
  return optionalMissed ? 'partially_completed' : 'completed';
}

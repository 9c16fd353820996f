import type { BundlePlan } from './bundle.js';
import type { ApplicationStatus, StepStatus } from './status.js';

/** Input of every bundle workflow. */
export interface BundleWorkflowInput {
  applicationId: string;
  plan: BundlePlan;
  applicant: Record<string, unknown>;
  form: Record<string, unknown>;
  /**
   * How long a step whose department call failed (not a decision: retries exhausted, a broken
   * answer) waits for an operator to retry or skip it before the application fails, as a
   * duration (`3d`). Absent: the application fails at once.
   */
  failedStepHold?: string;
  /**
   * The workflow features (workflows/features.ts) this application was started with: their code
   * paths are taken without a version marker in the history.
   */
  features?: string[];
}

/** Why a step did not complete, as the read model and the portal show it. */
export interface StepError {
  code: string;
  message: string;
  /** The department's own reason code, for a rejection. */
  reasonCode?: string;
  /** The attempt this error came from. */
  attempt?: number;
}

/** One change of a step's state, projected into the read model. */
export interface StepTransition {
  stepId: string;
  status: StepStatus;
  attempts?: number;
  outputs?: Record<string, unknown>;
  error?: StepError | null;
  /** The department's case number, once it gave one. */
  receiptNumber?: string;
  /** What a `waiting` step waits for, in words. */
  waiting?: StepWaiting;
  /** When the step is due (ISO): set by the transition that starts it. */
  dueAt?: string;
}

/** Why a step waits, shown to the applicant. */
export interface StepWaiting {
  /** `department-paused`: an operator paused the department for an outage; the call waits. */
  reason: 'department-decision' | 'human-task' | 'applicant-supplement' | 'department-paused';
  message: string;
  /** For `applicant-supplement`: every item the clerk listed as missing. */
  missing?: string[];
}

/**
 * One change, written once: `key` makes a retried write a no-op, and the database gives it the
 * application's next sequence number when it commits, so events are numbered in the order they
 * happened wherever they were written (workflow or department call).
 */
export interface Transition {
  key: string;
  at: string;
  application?: { status: ApplicationStatus };
  step?: StepTransition;
}

/** What a bundle workflow returns when it ends; outputs stay in the read model, not in the result. */
export interface BundleOutcome {
  status: ApplicationStatus;
  steps: Record<string, { status: StepStatus; error?: StepError }>;
}

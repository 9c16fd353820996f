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
  /** Absent: unchanged; null: cleared (only a reconciliation clears them). */
  outputs?: Record<string, unknown> | null;
  error?: StepError | null;
  /** The department's case number, once it gave one. Absent: unchanged; null: cleared. */
  receiptNumber?: string | null;
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

/**
 * The workflow's view of one step, as the read model should show it: what the `progress` query
 * answers. A field left out is one the workflow cannot know (a due date the department call
 * computed, the last error of a call being retried); null means known to be empty.
 */
export interface StepProgress {
  status: StepStatus;
  /**
   * A department call, a poll or a work-list task of the step is under way: its activity writes
   * the step itself, ahead of what the workflow knows, so its row is not compared meanwhile.
   */
  inFlight: boolean;
  outputs?: Record<string, unknown> | null;
  error?: StepError | null;
  receiptNumber?: string | null;
  waiting?: StepWaiting | null;
  /** ISO; known only where the workflow was told (a work-list step's first task). */
  dueAt?: string | null;
}

/** What the `progress` query answers: the application and each step as the read model should show them. */
export interface ApplicationProgress {
  applicationId: string;
  bundleId: string;
  status: ApplicationStatus;
  /** By step id, in the plan's order. */
  steps: Record<string, StepProgress>;
  /** Read-model writes the workflow has sent that have not landed yet: the rows lag meanwhile. */
  pendingWrites: number;
}

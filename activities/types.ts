import type { StepError, Transition } from '../schemas/workflow.js';

/** Input of one department call made for one step. */
export interface CallDepartmentInput {
  applicationId: string;
  stepId: string;
  department: string;
  service: string;
  input: Record<string, unknown>;
  idempotencyKey: string;
  /** Why the department receives the data, for the applicant's access log: the item's title. */
  purpose?: string;
}

/**
 * A decided department call (outputs validated against the service's output schema), or an
 * acceptance: the department decides later, by callback or when polled.
 */
export type CallDepartmentResult =
  | { accepted?: false; outputs: Record<string, unknown>; receiptNumber?: string }
  | { accepted: true; receiptNumber: string; pollable: boolean };

/** Asks a department about a case it accepted. */
export interface PollDepartmentInput {
  applicationId: string;
  stepId: string;
  department: string;
  service: string;
  receiptNumber: string;
  idempotencyKey: string;
}

export type PollDepartmentResult = { pending: true } | { pending: false; outputs: Record<string, unknown> };

/** Details attached to a `DepartmentRejected` failure. */
export interface RejectionDetails {
  department: string;
  reasonCode: string;
  reason: string;
}

/** Activities that reach the departments' systems. */
/** Asks a department to undo a step it completed. */
export interface CompensateDepartmentInput {
  applicationId: string;
  stepId: string;
  department: string;
  service: string;
  outputs: Record<string, unknown>;
  receiptNumber?: string;
  /** The step call's key; the undo is keyed from it, so a retried undo acts once. */
  idempotencyKey: string;
}

export interface DepartmentActivities {
  callDepartment(input: CallDepartmentInput): Promise<CallDepartmentResult>;
  pollDepartment(input: PollDepartmentInput): Promise<PollDepartmentResult>;
  compensateDepartment(input: CompensateDepartmentInput): Promise<void>;
}

/** Activities that project workflow state into PostgreSQL. */
export interface ReadModelActivities {
  recordTransitions(input: { applicationId: string; transitions: Transition[] }): Promise<void>;
}

export type { StepError };

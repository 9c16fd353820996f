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

/** Outputs of a decided department call, validated against the service's output schema. */
export interface CallDepartmentResult {
  outputs: Record<string, unknown>;
  receiptNumber?: string;
}

/** Details attached to a `DepartmentRejected` failure. */
export interface RejectionDetails {
  department: string;
  reasonCode: string;
  reason: string;
}

/** Activities that reach the departments' systems. */
export interface DepartmentActivities {
  callDepartment(input: CallDepartmentInput): Promise<CallDepartmentResult>;
}

/** Activities that project workflow state into PostgreSQL. */
export interface ReadModelActivities {
  recordTransitions(input: { applicationId: string; transitions: Transition[] }): Promise<void>;
}

export type { StepError };

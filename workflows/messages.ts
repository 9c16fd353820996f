import { defineUpdate } from '@temporalio/workflow';

/** A department's decision on a case it accepted earlier, delivered by its callback. */
export interface DepartmentDecisionUpdate {
  stepId: string;
  receiptNumber: string;
  outcome: 'completed' | 'rejected';
  /** For `completed`: validated against the service's output schema before it gets here. */
  outputs?: Record<string, unknown>;
  reasonCode?: string;
  reason?: string;
}

/**
 * Delivers a department's later decision. The validator refuses, before anything reaches the
 * history, a decision for a step that is not waiting on that receipt.
 */
export const departmentDecision = defineUpdate<'recorded', [DepartmentDecisionUpdate]>('departmentDecision');

/** The applicant withdraws (撤回) the application before it completes. */
export interface WithdrawUpdate {
  reason: string;
}

/**
 * Withdraws the application: steps not yet started are not started, a call in flight is
 * abandoned, and completed steps the departments can undo are compensated. Refused once the
 * application has ended.
 */
export const withdraw = defineUpdate<'withdrawing', [WithdrawUpdate]>('withdraw');

/** What a clerk or officer decided on a work-list task. */
export interface TaskDecisionUpdate {
  taskId: string;
  decision: 'approve' | 'reject' | 'request-supplement';
  /** For `approve`: the outputs the step's service declares, validated by the API. */
  outputs?: Record<string, unknown>;
  /** For `reject`: shown to the applicant. */
  reason?: string;
  /** For `request-supplement`: everything missing, listed at once (Administrative Licensing Law Art. 32). */
  missing?: string[];
  /** The clerk or officer (role, name and key id). */
  decidedBy: string;
}

/** Delivers a task decision; refused unless a step waits on that task and it is still open. */
export const taskDecision = defineUpdate<'recorded', [TaskDecisionUpdate]>('taskDecision');

/** The applicant's answer to a request for supplementary materials (补正). */
export interface SupplementUpdate {
  /** One answer per missing item, keyed by the item as the request listed it. */
  answers: Record<string, string>;
}

/**
 * Submits supplementary materials. Refused, changing nothing, when no step waits for them or the
 * answers do not cover every item the clerk listed.
 */
export const submitSupplement = defineUpdate<'accepted', [SupplementUpdate]>('submitSupplement');

/** An operator's repair of one step in progress, with the reason the audit log keeps. */
export interface RepairStepUpdate {
  stepId: string;
  /** `retry`: call the department again now; `skip`: end the step with the outputs entered. */
  action: 'retry' | 'skip';
  reason: string;
  /** For `skip`: what the step's dependants need, validated by the API against the service. */
  outputs?: Record<string, unknown>;
  /** Who (role, name and key id). */
  operator: string;
}

/** Repairs a step that is still in progress (retrying or waiting); refused for any other. */
export const repairStep = defineUpdate<'repairing', [RepairStepUpdate]>('repairStep');

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

import { defineSignal, defineUpdate } from '@temporalio/workflow';
import { repairStepUpdateName } from '../schemas/repair-actions.js';
import type { RepairStepUpdate } from '../schemas/repair-actions.js';

// The repair's payload is a contract of schemas/ (the bulk action's activity sends it too).
export type { RepairStepUpdate };

/** A department's decision on a case it accepted earlier, delivered by its callback. */
export interface DepartmentDecisionUpdate {
  stepId: string;
  receiptNumber: string;
  /** `supplement-required`: not yet a decision; the department asks the applicant for `missing` (补正). */
  outcome: 'completed' | 'rejected' | 'supplement-required';
  /** For `completed`: validated against the service's output schema before it gets here. */
  outputs?: Record<string, unknown>;
  reasonCode?: string;
  reason?: string;
  /** For `supplement-required`: every item missing, listed at once. */
  missing?: string[];
}

/**
 * Delivers a department's later decision. The validator refuses, before anything reaches the
 * history, a decision for a step that is not waiting on that receipt.
 */
export const departmentDecision = defineUpdate<'recorded', [DepartmentDecisionUpdate]>('departmentDecision');

/** The applicant (or an operator) withdraws (撤回) the application before it completes. */
export interface WithdrawUpdate {
  reason: string;
  /** Who withdrew it when not the applicant: an operator's role and name, shown on the steps it ends. */
  by?: string;
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
  /**
   * The task's step and round, as the work list stored them: a decision that overtakes the
   * workflow learning the id of a task it has just opened is kept, not refused.
   */
  stepId?: string;
  round?: number;
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
 * answers do not cover every item the clerk or the department listed.
 */
export const submitSupplement = defineUpdate<'accepted', [SupplementUpdate]>('submitSupplement');

/** Repairs a step that is still in progress (retrying or waiting); refused for any other. */
export const repairStep = defineUpdate<'repairing', [RepairStepUpdate]>(repairStepUpdateName);

/** An operator resumed a department after an outage: calls waiting for it go out again. */
export interface DepartmentResumedSignal {
  department: string;
}

/**
 * Wakes the calls waiting for a paused department. Sent to each waiting application, throttled,
 * when an operator resumes the department; a lost signal only delays the call until its recheck.
 */
export const departmentResumed = defineSignal<[DepartmentResumedSignal]>('departmentResumed');

/** An operator escalates a work-list task before its due time, with the reason the audit log keeps. */
export interface EscalateTaskUpdate {
  taskId: string;
  reason: string;
  /** Who (role and name). */
  operator: string;
}

/**
 * Moves a task to its department's supervisor queue now, as its due time would: once (refused
 * unless a step waits on the task, undecided and not yet escalated), and the wait for the
 * decision goes on. `closed` when the task was decided or withdrawn before it was escalated.
 */
export const escalateTask = defineUpdate<'escalated' | 'closed', [EscalateTaskUpdate]>('escalateTask');

/** An operator gives a work-list task to another clerk of its department, or back to its queue. */
export interface ReassignTaskUpdate {
  taskId: string;
  /** The clerk who holds it from now on (API key id and name, checked by the API), or nobody. */
  to: { keyId: string; name: string } | 'queue';
  reason: string;
  /** Who (role and name). */
  operator: string;
}

/**
 * Reassigns a task; the handler records it in PostgreSQL and answers once that is done.
 * Refused unless a step waits on the task, undecided, with no other reassignment under way.
 * `closed` when the task was completed before the reassignment landed.
 */
export const reassignTask = defineUpdate<'reassigned' | 'closed', [ReassignTaskUpdate]>('reassignTask');

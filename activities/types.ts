import type { TaskKind } from '../schemas/work-list.js';
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
  /** The step's promised limit in working days, for its due date. */
  timeLimitWorkingDays?: number;
  /**
   * Tells a later call of the same step (an operator's retry, a call after a department was
   * resumed) from the first in the read model, which records each call's start once.
   */
  callKey?: string;
}

/**
 * A decided department call (outputs validated against the service's output schema), or an
 * acceptance: the department decides later, by callback or when polled.
 */
export type CallDepartmentResult =
  | { accepted?: false; outputs: Record<string, unknown>; receiptNumber?: string }
  | { accepted: true; receiptNumber: string; pollable: boolean }
  | SupplementRequired;

/**
 * The department asks the applicant for supplements (补正) on its case `receiptNumber`: every
 * item `missing`. Recorded on the step (waiting, with the list) by the activity that heard it.
 */
export interface SupplementRequired {
  accepted?: false;
  supplementRequired: true;
  receiptNumber: string;
  missing: string[];
  /** Whether the department can be polled, once it has the answers and decides later. */
  pollable: boolean;
}

/** The applicant's answers, sent to the department's case under the step call's key. */
export interface SupplementDepartmentInput {
  applicationId: string;
  stepId: string;
  department: string;
  service: string;
  receiptNumber: string;
  idempotencyKey: string;
  /** 2 for the first answers; one more for each request after. */
  round: number;
  answers: Record<string, string>;
  /** Why the department receives the answers, for the applicant's access log: the item's title. */
  purpose?: string;
}

/** Asks a department about a case it accepted. */
export interface PollDepartmentInput {
  applicationId: string;
  stepId: string;
  department: string;
  service: string;
  receiptNumber: string;
  idempotencyKey: string;
  /** The round of the case asked about, after answered supplements (absent: the first). */
  round?: number;
}

export type PollDepartmentResult =
  | { pending: true }
  | { pending: false; outputs: Record<string, unknown> }
  | { pending: false; supplementRequired: true; missing: string[] };

/** Cancels a case a department accepted and has not decided: the application was withdrawn. */
export interface CancelDepartmentCaseInput {
  applicationId: string;
  stepId: string;
  department: string;
  service: string;
  receiptNumber: string;
  /** The step call's key; the cancellation is keyed from it, so a retried one acts once. */
  idempotencyKey: string;
}

/**
 * The department's answer: closed undecided; decided in favour before the cancellation arrived
 * (outputs checked against the service, to be undone); decided against; or no way to tell it.
 */
export type CancelDepartmentCaseResult =
  | { status: 'cancelled' }
  | { status: 'decided'; outputs: Record<string, unknown>; receiptNumber?: string }
  | { status: 'rejected'; reasonCode: string; reason: string }
  | { status: 'cannot-cancel' };

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
  cancelDepartmentCase(input: CancelDepartmentCaseInput): Promise<CancelDepartmentCaseResult>;
  /** Sends the applicant's supplements to the case; answered as a call is. */
  supplementDepartment(input: SupplementDepartmentInput): Promise<CallDepartmentResult>;
}

/** Activities that project workflow state into PostgreSQL. */
export interface ReadModelActivities {
  recordTransitions(input: { applicationId: string; transitions: Transition[] }): Promise<void>;
}

export type { StepError };

/** Opens a work-list task for a step (a new round after each supplement). Idempotent per (application, step, round). */
export interface OpenTaskInput {
  applicationId: string;
  stepId: string;
  department: string;
  service: string;
  kind: TaskKind;
  round: number;
  /** What the clerk decides on: exactly the fields mapped to the step. */
  input: Record<string, unknown>;
  /** The applicant's answers to the previous round's request, if any. */
  supplement?: Record<string, string>;
  /** Working days the clerk has, for the task's due time. */
  timeLimitWorkingDays: number;
  /** Shown on the step while it waits, e.g. "waiting for police review". */
  title: string;
}

export interface OpenTaskResult {
  taskId: string;
  dueAt: string;
}

/**
 * Activities behind work-list steps: tasks in PostgreSQL, escalation, the applicant's clock. The
 * task activities keep their first names (`openHumanTask`, …): a name is the activity type in
 * every history recorded since, and a renamed one would not replay.
 */
export interface WorkListActivities {
  openHumanTask(input: OpenTaskInput): Promise<OpenTaskResult>;
  /**
   * Moves an open task to the department's supervisor queue (never drops or reassigns it), marked
   * overdue; `operator`: who escalated it before its due time (then it is overdue only if past due).
   */
  escalateHumanTask(input: { taskId: string; operator?: string }): Promise<void>;
  /**
   * An operator's reassignment of an open task: claimed by another clerk of its department, or
   * back in its queue (`null`). `reassigned: false` when the task was completed meanwhile.
   */
  reassignHumanTask(input: {
    taskId: string;
    assignee: { keyId: string; name: string } | null;
  }): Promise<{ reassigned: boolean }>;
  /** Closes a task no one needs to decide any more (the application was withdrawn), with why. */
  closeHumanTask(input: { taskId: string; reason: string }): Promise<void>;
  /** Stops the promised-time clock while the application waits for the applicant, and starts it again. */
  pauseApplicationClock(input: { applicationId: string; at: string }): Promise<void>;
  resumeApplicationClock(input: { applicationId: string; at: string }): Promise<void>;
  /**
   * Stops the clock for a department's request for supplements, and says until when the
   * applicant may answer: the end of the `workingDays`-th working day after `at`.
   */
  pauseClockForSupplement(input: {
    applicationId: string;
    at: string;
    workingDays: number;
  }): Promise<{ deadline: string }>;
}

/** Activities behind outage mode (an operator pauses and resumes a department). */
export interface DepartmentPauseActivities {
  /** A page of the applications waiting for the department to be resumed, by id after `after`. */
  applicationsPausedOn(input: { department: string; after: string | null; limit: number }): Promise<string[]>;
}

/** How a bulk action ended (the `bulkRepair` workflow's result). */
export interface BulkRepairOutcome {
  state: 'completed' | 'cancelled';
}

/** Who stops a bulk action, and why (the `cancelBulkRepair` signal). */
export interface CancelBulkRepairSignal {
  reason: string;
  /** "<role> <name> (<key id>)". */
  by: string;
}

/** Result of one batch of items. */
export interface RepairBulkItemsResult {
  /** Items this attempt acted on (done, refused or failed). */
  handled: number;
  /** Items still pending after the batch. */
  pending: number;
  /** A cancel was asked for: the batch stopped before its next item. */
  cancelRequested: boolean;
}

/** The activities the `bulkRepair` workflow calls (`createBulkActionActivities`). */
export interface BulkActionActivities {
  /**
   * Sends the repair to the workflows of at most `limit` pending items, one after another,
   * recording each result and its audit entry; stops early when a cancel was asked for.
   */
  repairBulkItems(input: { bulkActionId: string; limit: number }): Promise<RepairBulkItemsResult>;
  /** Ends the job in PostgreSQL: `cancelled` if it was cancelled with items left, else `completed`. */
  finishBulkAction(input: {
    bulkActionId: string;
    cancel?: CancelBulkRepairSignal;
  }): Promise<BulkRepairOutcome>;
}

/** What one run of the retention job did. */
export interface RetentionRunResult {
  /** Applications whose personal data was erased. */
  erased: number;
  /**
   * Materials erased because no application named them (`MATERIAL_UNREFERENCED_RETENTION`);
   * absent from runs recorded before it was counted.
   */
  materialsErased?: number;
  /** Log entries deleted for their age. */
  accessLogPurged: number;
  auditLogPurged: number;
}

/** The retention job, run by the `retentionRun` workflow of the retention schedule. */
export interface RetentionActivities {
  /** Erases what is due at `now` (ISO: the workflow's time, so a replay asks the same). */
  runRetention(input: { now: string }): Promise<RetentionRunResult>;
}

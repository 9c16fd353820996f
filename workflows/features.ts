/**
 * Changes to the workflow code that histories recorded before them do not know. Each has a
 * version patch id: an application started with the feature in its input (`features`) takes the
 * new path with no marker in its history; one started without it (its history recorded before
 * the change, or started by an older API) asks `patched()`, which keeps old histories replaying.
 */
export const workflowFeatures = {
  /** Each department call in its own cancellation scope, so an operator can retry or skip it. */
  operatorStepRepairs: 'operator-step-repairs',
  /** A failed call is held for an operator's repair (`failedStepHold`). */
  failedStepHold: 'failed-step-hold',
  /**
   * Polls and undos get activity ids that name their step (activity-ids.ts), as calls always
   * had, so operators see whose they are; the SDK numbered them before.
   */
  stepActivityIds: 'step-activity-ids',
  /**
   * A withdrawal cancels the cases departments accepted and had not decided, instead of leaving
   * them to be worked on for nobody.
   */
  cancelOnWithdrawal: 'cancel-on-withdrawal',
  /**
   * A department may answer "supplement required" (补正): the step waits for the applicant, its
   * clock stopped, and sends the answers to the department's case, or is rejected at the deadline.
   */
  departmentSupplements: 'department-supplements',
} as const;

/** What the API starts every application with: all of them. */
export const currentWorkflowFeatures: string[] = Object.values(workflowFeatures);

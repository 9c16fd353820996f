// No zod here: workflow code imports this module, and zod stays out of the workflow bundle.

/**
 * The repairs an operator makes to a step in progress: `retry` calls the department again now;
 * `resend` submits again to a department that lost the case in an outage (a step waiting for its
 * decision); `skip` ends the step with the outputs the operator entered. The one list: the
 * workflow's update, the routes, the bulk actions, the CLI and the console take it from here.
 */
export const repairActions = ['retry', 'resend', 'skip'] as const;
export type RepairAction = (typeof repairActions)[number];

/** True for a repair action's name (a command line's or a path's word). */
export const isRepairAction = (word: string): word is RepairAction =>
  (repairActions as readonly string[]).includes(word);

/**
 * The repairs a bulk action applies to every step it matched: all but `skip`, whose outputs differ
 * from step to step. The database's CHECK on `bulk_actions.action` must list the same
 * (test/integration/check-constraints.test.ts compares them).
 */
export const bulkRepairActions = ['retry', 'resend'] as const satisfies readonly RepairAction[];
export type BulkRepairAction = (typeof bulkRepairActions)[number];

/** True for a bulk action's name. */
export const isBulkRepairAction = (word: string): word is BulkRepairAction =>
  (bulkRepairActions as readonly string[]).includes(word);

/** An operator's repair of one step in progress, with the reason the audit log keeps. */
export interface RepairStepUpdate {
  stepId: string;
  action: RepairAction;
  reason: string;
  /** For `skip`: what the step's dependants need, validated by the API against the service. */
  outputs?: Record<string, unknown>;
  /** Who (role, name and key id). */
  operator: string;
}

/**
 * The name of the workflow update that carries a `RepairStepUpdate` (`repairStep` in
 * workflows/messages.ts), so that the bulk action's activity sends it without importing workflow code.
 */
export const repairStepUpdateName = 'repairStep';

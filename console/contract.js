// Generated from the zod schemas by `npm run console:types` (scripts/console-contract.ts): do not
// edit. Change the schema, then run it again; test/unit/console-contract.test.ts fails while it is stale.
// The lists the console shows and checks against, as the API has them.

/**
 * Application statuses, as `GET /v1/ops/applications?status=` names them.
 * @type {ReadonlyArray<import('./types').ApplicationStatus>}
 */
export const applicationStatuses = [
  'running',
  'waiting',
  'completed',
  'partially_completed',
  'rejected',
  'withdrawn',
  'failed',
];

/**
 * Statuses after which an application changes no more.
 * @type {ReadonlyArray<import('./types').ApplicationStatus>}
 */
export const finalApplicationStatuses = [
  'completed',
  'partially_completed',
  'rejected',
  'withdrawn',
  'failed',
];

/**
 * Statuses after which a step changes no more.
 * @type {ReadonlyArray<import('./types').StepStatus>}
 */
export const finalStepStatuses = ['completed', 'rejected', 'skipped', 'compensated', 'failed'];

/**
 * Why an application is stuck, as `GET /v1/ops/applications?stuck=` names it.
 * @type {ReadonlyArray<import('./types').StuckCode>}
 */
export const stuckCodes = [
  'retrying',
  'overdue',
  'waiting-department',
  'task-overdue',
  'compensation-failed',
  'department-paused',
  'step-failed',
];

/**
 * The repairs of one step in progress.
 * @type {ReadonlyArray<import('./types').RepairAction>}
 */
export const repairActions = ['retry', 'resend', 'skip'];

/**
 * The repairs a bulk action applies.
 * @type {ReadonlyArray<import('./types').BulkActionKind>}
 */
export const bulkRepairActions = ['retry', 'resend'];

/**
 * Where a work-list task stands, as `GET /v1/tasks?status=` names it.
 * @type {ReadonlyArray<import('./types').TaskView['status']>}
 */
export const taskStatuses = ['open', 'claimed', 'completed'];

/**
 * What a person does with a task (`GET /v1/tasks?kind=`).
 * @type {ReadonlyArray<import('./types').TaskView['kind']>}
 */
export const taskKinds = ['review', 'video-verification', 'approval'];

/**
 * Whose queue of the department a task is in (`GET /v1/tasks?queue=`).
 * @type {ReadonlyArray<import('./types').TaskView['queue']>}
 */
export const taskQueues = ['department', 'supervisor'];

/**
 * Where a bulk action's item stands.
 * @type {ReadonlyArray<import('./types').BulkItemState>}
 */
export const bulkItemStates = ['pending', 'done', 'refused', 'failed'];

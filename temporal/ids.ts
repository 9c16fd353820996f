/** What every application's workflow id starts with (visibility lists them by it). */
export const applicationWorkflowIdPrefix = 'application-';

/** The workflow id of an application: one application, one workflow, never two. */
export function applicationWorkflowId(applicationId: string): string {
  return `${applicationWorkflowIdPrefix}${applicationId}`;
}

/** The application a workflow id names, or undefined for another kind of workflow. */
export function applicationIdOf(workflowId: string): string | undefined {
  if (!workflowId.startsWith(applicationWorkflowIdPrefix)) return undefined;
  const id = workflowId.slice(applicationWorkflowIdPrefix.length);
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) ? id : undefined;
}

/** The workflow that wakes the applications waiting for a department an operator resumed. */
export function departmentResumeWorkflowId(department: string): string {
  return `department-resume-${department}`;
}

/** The workflow id of a bulk action (operators' retry or re-send of many steps). */
export function bulkActionWorkflowId(bulkActionId: string): string {
  return `bulk-action-${bulkActionId}`;
}

/** The application a workflow id belongs to (see `applicationWorkflowId`); undefined for other workflows. */
export function applicationIdOfWorkflow(workflowId: string): string | undefined {
  const match = /^application-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
    workflowId,
  );
  return match?.[1];
}

/** The retention schedule of a task queue's worker (one per deployment: its task queue). */
export function retentionScheduleId(taskQueue: string): string {
  return `retention-${taskQueue}`;
}

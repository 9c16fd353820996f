/** The workflow id of an application: one application, one workflow, never two. */
export function applicationWorkflowId(applicationId: string): string {
  return `application-${applicationId}`;
}

/** The workflow that wakes the applications waiting for a department an operator resumed. */
export function departmentResumeWorkflowId(department: string): string {
  return `department-resume-${department}`;
}

/** The workflow id of a bulk action (operators' retry or re-send of many steps). */
export function bulkActionWorkflowId(bulkActionId: string): string {
  return `bulk-action-${bulkActionId}`;
}

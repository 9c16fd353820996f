/** The workflow id of an application: one application, one workflow, never two. */
export function applicationWorkflowId(applicationId: string): string {
  return `application-${applicationId}`;
}

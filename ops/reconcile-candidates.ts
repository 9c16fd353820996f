import type { Client } from '@temporalio/client';
import { openApplicationIds } from '../db/reconcile.js';
import type { Queryable } from '../db/pool.js';
import { applicationIdOf, applicationWorkflowIdPrefix } from '../temporal/ids.js';

/** Which applications one page of a reconciliation checks. */
export interface CandidateFilter {
  /** The deployment's task queue: other deployments' workflows in the namespace are not ours. */
  taskQueue: string;
  /** Also the workflows that closed this recently (ms); only running ones when absent. */
  sinceMs?: number;
  /** The page after this application id. */
  after?: string;
  limit: number;
}

/**
 * The applications Temporal lists on the deployment's task queue: running, and closed within
 * `sinceMs`. Visibility is the only place a workflow whose row was deleted, or wrongly marked
 * final, still shows up.
 */
export async function listedApplicationIds(client: Client, filter: CandidateFilter): Promise<string[]> {
  const scope = `TaskQueue = ${JSON.stringify(filter.taskQueue)} AND WorkflowId STARTS_WITH ${JSON.stringify(applicationWorkflowIdPrefix)}`;
  const since =
    filter.sinceMs === undefined
      ? ''
      : ` OR CloseTime >= ${JSON.stringify(new Date(Date.now() - filter.sinceMs).toISOString())}`;
  const ids: string[] = [];
  for await (const execution of client.workflow.list({
    query: `${scope} AND (ExecutionStatus = "Running"${since})`,
  })) {
    const id = applicationIdOf(execution.workflowId);
    if (id !== undefined) ids.push(id);
  }
  return ids;
}

/**
 * One page of the applications to check, in id order: those whose read-model status is not final,
 * and those Temporal lists (see `listedApplicationIds`), each once.
 */
export async function candidatePage(
  db: Queryable,
  client: Client,
  filter: CandidateFilter,
): Promise<{ ids: string[]; more: boolean }> {
  const after = filter.after ?? null;
  const open = await openApplicationIds(db, after, filter.limit + 1);
  const listed = (await listedApplicationIds(client, filter)).filter((id) => after === null || id > after);
  const all = [...new Set([...open, ...listed])].sort();
  return { ids: all.slice(0, filter.limit), more: all.length > filter.limit };
}

import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { BundlePlan } from '../schemas/bundle.js';
import type { ApplicationProgress, BundleOutcome, BundleWorkflowInput } from '../schemas/workflow.js';
import { applicationWorkflowId } from '../temporal/ids.js';
import { decodePayloadAt } from '../temporal/payloads.js';
import { progressQuery } from '../workflows/progress.js';

/** What Temporal says of an application's workflow. */
export type WorkflowView =
  /** Its view: from the `progress` query, or from its outcome when it ended and no worker answered. */
  | { kind: 'view'; progress: ApplicationProgress; running: boolean; from: 'query' | 'outcome' }
  /** Temporal has no workflow of that id (never started, or past the namespace's retention). */
  | { kind: 'missing' }
  /** It ended without an outcome (terminated, timed out, cancelled, failed): nothing says how its steps ended. */
  | { kind: 'no-outcome'; status: string }
  /** It runs, but no worker answered the query in time (none running?). */
  | { kind: 'unanswered'; reason: string };

const isNotFound = (err: unknown) =>
  err instanceof WorkflowNotFoundError || (err as { code?: number } | undefined)?.code === 5;

/** The view an ended workflow's outcome gives: statuses and errors; outputs and receipts unknown. */
export function outcomeProgress(
  applicationId: string,
  bundleId: string,
  outcome: BundleOutcome,
): ApplicationProgress {
  return {
    applicationId,
    bundleId,
    status: outcome.status,
    steps: Object.fromEntries(
      Object.entries(outcome.steps).map(([id, step]) => [
        id,
        // An ended step without an error recorded none, or cleared it (a completion, an undo).
        { status: step.status, inFlight: false, error: step.error ?? null },
      ]),
    ),
    pendingWrites: 0,
  };
}

/**
 * Reads the workflow's view of the application. A running workflow is asked (`progress` query,
 * answered by a worker from its cached state); an ended one too (a worker replays its history),
 * falling back to the outcome it returned when no worker answers.
 */
export async function readWorkflowView(
  client: Client,
  applicationId: string,
  bundleId: string,
  timeoutMs: number,
): Promise<WorkflowView> {
  const handle = client.workflow.getHandle(applicationWorkflowId(applicationId));
  const deadline = () => Date.now() + timeoutMs;
  let status: string;
  try {
    status = (await client.withDeadline(deadline(), () => handle.describe())).status.name;
  } catch (err) {
    if (isNotFound(err)) return { kind: 'missing' };
    throw err;
  }
  if (status !== 'RUNNING' && status !== 'COMPLETED') return { kind: 'no-outcome', status };
  const running = status === 'RUNNING';
  try {
    const progress = await client.withDeadline(deadline(), () => handle.query(progressQuery));
    return { kind: 'view', progress, running, from: 'query' };
  } catch (err) {
    if (running) return { kind: 'unanswered', reason: (err as Error).message };
  }
  const outcome = (await client.withDeadline(deadline(), () => handle.result())) as BundleOutcome;
  return {
    kind: 'view',
    progress: outcomeProgress(applicationId, bundleId, outcome),
    running,
    from: 'outcome',
  };
}

/** The plan the application runs, from its workflow's input (to insert a deleted step row again). */
export async function workflowPlan(
  client: Client,
  applicationId: string,
  timeoutMs: number,
): Promise<BundlePlan> {
  const history = await client.withDeadline(Date.now() + timeoutMs, () =>
    client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId: applicationWorkflowId(applicationId) },
      maximumPageSize: 1,
    }),
  );
  const started = history.history?.events?.[0]?.workflowExecutionStartedEventAttributes;
  // The input holds the form too; only the plan is kept, and nothing of it is shown.
  const input = await decodePayloadAt<BundleWorkflowInput>(
    client.options.loadedDataConverter,
    0,
    started?.input?.payloads,
  );
  return input.plan;
}

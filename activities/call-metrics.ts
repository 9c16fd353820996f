import { DepartmentRejection } from '../departments/adapter.js';
import type { ServiceMetrics } from '../metrics/service.js';

/** How a department call ended, as `onething_department_calls_total` counts it. */
export type CallOutcome =
  | 'completed'
  | 'accepted'
  | 'pending'
  | 'rejected'
  | 'failed'
  | 'timed_out'
  /** The department asks the applicant for supplements (补正) before it decides. */
  | 'supplement_required';

/** What a call is counted by: bounded sets from the catalogue, never the call's data. */
export interface CallLabels {
  department: string;
  service: string;
  operation: 'submit' | 'poll' | 'compensate' | 'cancel' | 'supplement';
}

/**
 * Starts timing one department call; the returned function records it with its outcome, once.
 * Without metrics it records nothing.
 */
export function startCallTimer(
  metrics: ServiceMetrics | undefined,
  labels: CallLabels,
): (outcome: CallOutcome) => void {
  if (!metrics) return () => undefined;
  const started = process.hrtime.bigint();
  let recorded = false;
  return (outcome) => {
    if (recorded) return;
    recorded = true;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.departmentCalls.inc({ ...labels, outcome });
    metrics.departmentCallDuration.observe({ ...labels, outcome }, seconds);
  };
}

/** The outcome of a call that threw: the department's explicit no, a timeout, or any other failure. */
export function outcomeOfError(err: unknown): CallOutcome {
  if (err instanceof DepartmentRejection) return 'rejected';
  for (let cause: unknown = err, depth = 0; cause instanceof Error && depth < 5; depth += 1) {
    // fetch aborted by AbortSignal.timeout: the adapter's per-request limit passed.
    if (cause.name === 'TimeoutError') return 'timed_out';
    cause = cause.cause;
  }
  return 'failed';
}

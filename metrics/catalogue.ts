import type { Registry } from 'prom-client';

/** A metric family of the Temporal SDK's exporter, as `stack/runtime.ts` configures it. */
export interface SdkMetric {
  type: 'counter' | 'gauge' | 'histogram';
  /** Whether it appears from the worker's start on (the others once the event first happens). */
  always: boolean;
  help: string;
}

/**
 * The Temporal SDK (Core) runtime's metrics, in one place, named as its Prometheus exporter names
 * them with `countersTotalSuffix`, `unitSuffix` and `useSecondsForDurations` (prefix `temporal_`;
 * labels `namespace`, `task_queue`, and `poller_type`, `worker_type`, `workflow_type`,
 * `activity_type` where they apply). From Temporal's SDK metrics reference; the ones marked
 * `always` are checked against a live exporter by test/integration/metrics.test.ts.
 */
export const temporalSdkMetrics: Record<string, SdkMetric> = {
  temporal_num_pollers: { type: 'gauge', always: true, help: 'Pollers per task queue and poller_type' },
  temporal_worker_task_slots_available: {
    type: 'gauge',
    always: true,
    help: 'Free task slots by worker_type',
  },
  temporal_worker_task_slots_used: { type: 'gauge', always: true, help: 'Used task slots by worker_type' },
  temporal_sticky_cache_size: { type: 'gauge', always: true, help: 'Workflows in the sticky cache' },
  temporal_sticky_cache_hit_total: {
    type: 'counter',
    always: true,
    help: 'Workflow tasks served from the cache',
  },
  temporal_sticky_cache_miss_total: {
    type: 'counter',
    always: false,
    help: 'Workflow tasks that had to replay',
  },
  temporal_sticky_cache_total_forced_eviction_total: {
    type: 'counter',
    always: false,
    help: 'Workflows evicted from the cache',
  },
  temporal_worker_start_total: { type: 'counter', always: true, help: 'Workers started' },
  temporal_workflow_task_queue_poll_succeed_total: {
    type: 'counter',
    always: true,
    help: 'Workflow polls with a task',
  },
  temporal_workflow_task_queue_poll_empty_total: {
    type: 'counter',
    always: false,
    help: 'Workflow polls without a task',
  },
  temporal_activity_poll_no_task_total: {
    type: 'counter',
    always: false,
    help: 'Activity polls without a task',
  },
  temporal_workflow_task_schedule_to_start_latency_seconds: {
    type: 'histogram',
    always: true,
    help: 'From a workflow task scheduled to its pick-up by a worker',
  },
  temporal_workflow_task_execution_latency_seconds: {
    type: 'histogram',
    always: true,
    help: 'Workflow task run time',
  },
  temporal_workflow_task_replay_latency_seconds: {
    type: 'histogram',
    always: true,
    help: 'Workflow task replay time',
  },
  temporal_workflow_task_execution_failed_total: {
    type: 'counter',
    always: false,
    help: 'Workflow tasks that failed (nondeterminism, a bug)',
  },
  temporal_workflow_completed_total: { type: 'counter', always: true, help: 'Workflows completed' },
  temporal_workflow_failed_total: { type: 'counter', always: false, help: 'Workflows failed' },
  temporal_workflow_canceled_total: { type: 'counter', always: false, help: 'Workflows cancelled' },
  temporal_workflow_continue_as_new_total: {
    type: 'counter',
    always: false,
    help: 'Workflows continued as new',
  },
  temporal_workflow_endtoend_latency_seconds: { type: 'histogram', always: true, help: 'Workflow run time' },
  temporal_activity_task_received_total: { type: 'counter', always: true, help: 'Activity tasks received' },
  temporal_activity_schedule_to_start_latency_seconds: {
    type: 'histogram',
    always: true,
    help: 'From an activity scheduled to its pick-up by a worker',
  },
  temporal_activity_execution_latency_seconds: { type: 'histogram', always: true, help: 'Activity run time' },
  temporal_activity_succeed_endtoend_latency_seconds: {
    type: 'histogram',
    always: true,
    help: 'From an activity scheduled to its success',
  },
  temporal_activity_execution_failed_total: {
    type: 'counter',
    always: false,
    help: 'Activity attempts that failed',
  },
  temporal_activity_execution_cancelled_total: {
    type: 'counter',
    always: false,
    help: 'Activities cancelled',
  },
  temporal_local_activity_total_total: { type: 'counter', always: true, help: 'Local activities run' },
  temporal_local_activity_execution_latency_seconds: {
    type: 'histogram',
    always: true,
    help: 'Local activity run time',
  },
  temporal_local_activity_succeed_endtoend_latency_seconds: {
    type: 'histogram',
    always: true,
    help: 'Local activity from scheduled to success',
  },
  temporal_local_activity_execution_failed_total: {
    type: 'counter',
    always: false,
    help: 'Local activities failed',
  },
  temporal_request_total: { type: 'counter', always: true, help: 'Calls to the Temporal frontend' },
  temporal_request_failure_total: { type: 'counter', always: false, help: 'Failed calls to the frontend' },
  temporal_request_latency_seconds: { type: 'histogram', always: true, help: 'Frontend call latency' },
  temporal_long_request_total: { type: 'counter', always: true, help: 'Long polls to the frontend' },
  temporal_long_request_failure_total: { type: 'counter', always: false, help: 'Failed long polls' },
  temporal_long_request_latency_seconds: { type: 'histogram', always: true, help: 'Long poll latency' },
};

/** The series names a family exports: a histogram's `_bucket`, `_sum` and `_count` besides its own. */
function seriesOf(name: string, type: string): string[] {
  return type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
}

/**
 * Every series name a process exports: the registry's (Onething's own and the Node process's)
 * and the Temporal SDK's. Alert rules and dashboard panels may name only these.
 */
export async function exportedMetricNames(registry: Registry): Promise<Set<string>> {
  const own = (await registry.getMetricsAsJSON()).flatMap((m) => seriesOf(m.name, String(m.type)));
  const sdk = Object.entries(temporalSdkMetrics).flatMap(([name, m]) => seriesOf(name, m.type));
  return new Set([...own, ...sdk]);
}

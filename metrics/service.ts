import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Department call latency buckets, in seconds: from a cached answer to a call near its timeout. */
const callBuckets = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** API latency buckets, in seconds. */
const requestBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Webhook lag buckets, in seconds: from an event delivered at once to one held back an hour. */
const lagBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900, 3600];

/**
 * The process's own metrics, on one registry per process (the API and the worker share it when
 * both run in one process). Counters and histograms count what this process did; the gauges of
 * `readModel` are read from PostgreSQL at each scrape (`metrics/render.ts`), so every process
 * reports the same. Labels are bounded sets (bundles, departments, services, statuses, route
 * patterns, problem codes): never an id, a URL as sent, or anything a citizen typed.
 */
export function createServiceMetrics() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[],
  ) => new Histogram<L>({ name, help, labelNames, buckets, registers });

  return {
    registry,
    applicationsStarted: counter(
      'onething_applications_started_total',
      'Applications whose workflow this process started.',
      ['bundle'],
    ),
    applicationsFinished: counter(
      'onething_applications_finished_total',
      'Applications that reached a final status, recorded by this process.',
      ['bundle', 'status'],
    ),
    departmentCalls: counter(
      'onething_department_calls_total',
      'Calls to departments (submit, poll, compensate) by outcome: completed, accepted, pending, rejected, failed, timed_out.',
      ['department', 'service', 'operation', 'outcome'],
    ),
    departmentCallDuration: histogram(
      'onething_department_call_duration_seconds',
      'How long department calls took, by outcome.',
      ['department', 'service', 'operation', 'outcome'],
      callBuckets,
    ),
    callbacksReceived: counter(
      'onething_callbacks_received_total',
      "Departments' signed callbacks accepted: recorded, or already recorded.",
      ['department', 'outcome'],
    ),
    callbacksRefused: counter(
      'onething_callbacks_refused_total',
      "Departments' callbacks refused, by the problem code answered.",
      ['department', 'reason'],
    ),
    tasksEscalated: counter(
      'onething_tasks_escalated_total',
      'Work-list tasks escalated to the supervisor queue: past due (overdue), or asked by an operator.',
      ['department', 'cause'],
    ),
    webhookDeliveries: counter(
      'onething_webhook_deliveries_total',
      'Webhook delivery attempts by outcome: delivered, failed (not a 2xx, or no answer), refused (target refused).',
      ['outcome'],
    ),
    webhookDeliveryLag: histogram(
      'onething_webhook_delivery_lag_seconds',
      'From an event to its acknowledged webhook delivery.',
      [],
      lagBuckets,
    ),
    dutyNotifications: counter(
      'onething_duty_notifications_total',
      'Notification attempts to duty channels (escalated or overdue tasks, department outages), by outcome.',
      ['kind', 'outcome'],
    ),
    httpRequests: counter(
      'onething_http_requests_total',
      'API requests by method, route pattern and status.',
      ['method', 'route', 'status'],
    ),
    httpRequestDuration: histogram(
      'onething_http_request_duration_seconds',
      'API request latency by method, route pattern and status.',
      ['method', 'route', 'status'],
      requestBuckets,
    ),
    readModel: {
      applicationsOpen: gauge(
        'onething_applications_open',
        'Applications not yet final, by bundle and status (read model).',
        ['bundle', 'status'],
      ),
      applicationsPastDue: gauge(
        'onething_applications_past_due',
        'Open applications past their promised due time, by bundle (read model).',
        ['bundle'],
      ),
      stepsPastDue: gauge(
        'onething_steps_past_due',
        'Steps not yet final past their due time, by bundle and department (read model).',
        ['bundle', 'department'],
      ),
      tasksOpen: gauge('onething_tasks_open', 'Work-list tasks not yet completed (read model).', [
        'department',
        'queue',
        'status',
      ]),
      tasksOverdue: gauge(
        'onething_tasks_overdue',
        'Work-list tasks past their due time and not completed (read model).',
        ['department', 'queue', 'status'],
      ),
      departmentPaused: gauge(
        'onething_department_paused',
        'Departments an operator paused for an outage: 1 while paused (read model).',
        ['department'],
      ),
      webhookPendingDeliveries: gauge(
        'onething_webhook_pending_deliveries',
        'Webhook cursors with an event waiting to be delivered (read model).',
        [],
      ),
      webhookOldestPendingAge: gauge(
        'onething_webhook_oldest_pending_event_age_seconds',
        'Age of the oldest event waiting for its webhook delivery; 0 when none waits (read model).',
        [],
      ),
    },
  };
}

/** The metrics of one process; see {@link createServiceMetrics}. */
export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;

/** The gauges read from PostgreSQL at each scrape. */
export type ReadModelGauges = ServiceMetrics['readModel'];

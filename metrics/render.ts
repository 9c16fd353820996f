import { readModelSnapshot } from '../db/metrics.js';
import type { Queryable } from '../db/pool.js';
import { departments } from '../departments/catalog/index.js';
import type { ServiceMetrics } from './service.js';

/** Where one process's metrics come from. */
export interface MetricsSource {
  metrics: ServiceMetrics;
  /** The read model the gauges are read from. */
  pool: Queryable;
  /** The Temporal SDK runtime's own Prometheus endpoint in this process, appended when given. */
  temporalMetricsUrl?: string;
}

/** The content type of {@link renderMetrics}' text. */
export const metricsContentType = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Everything one process exports, in the Prometheus text format: its own metrics with the
 * gauges freshly read from PostgreSQL, then the Temporal SDK's (task slots, pollers,
 * schedule-to-start latency, sticky cache, task failures) from the SDK's exporter in this process.
 * One scrape target per process: the SDK's port may stay on 127.0.0.1, behind the same key.
 */
export async function renderMetrics(source: MetricsSource): Promise<string> {
  await refreshReadModelGauges(source);
  const own = await source.metrics.registry.metrics();
  if (!source.temporalMetricsUrl) return own;
  return `${own}${await temporalSdkMetrics(source.temporalMetricsUrl)}`;
}

async function refreshReadModelGauges({ metrics, pool }: MetricsSource): Promise<void> {
  const snapshot = await readModelSnapshot(pool);
  const g = metrics.readModel;
  for (const gauge of Object.values(g)) gauge.reset();
  for (const row of snapshot.applicationsOpen)
    g.applicationsOpen.set({ bundle: row.bundle, status: row.status }, row.count);
  for (const row of snapshot.applicationsPastDue)
    g.applicationsPastDue.set({ bundle: row.bundle }, row.count);
  for (const row of snapshot.stepsPastDue)
    g.stepsPastDue.set({ bundle: row.bundle, department: row.department }, row.count);
  for (const row of snapshot.tasks) {
    const labels = { department: row.department, queue: row.queue, status: row.status };
    g.tasksOpen.set(labels, row.count);
    g.tasksOverdue.set(labels, row.overdue);
  }
  // Every department has a series, so "paused == 1" needs no absent() and panels keep their rows.
  const paused = new Set(snapshot.pausedDepartments);
  for (const id of Object.keys(departments))
    g.departmentPaused.set({ department: id }, paused.has(id) ? 1 : 0);
  g.webhookPendingDeliveries.set(snapshot.webhooks.pending);
  g.webhookOldestPendingAge.set(snapshot.webhooks.oldestAgeSeconds);
}

/** The SDK exporter's text; a comment saying why when it cannot be read, so our own metrics still go out. */
async function temporalSdkMetrics(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return `# Temporal SDK metrics unavailable: HTTP ${response.status}\n`;
    const text = await response.text();
    return text.endsWith('\n') || text === '' ? text : `${text}\n`;
  } catch (err) {
    return `# Temporal SDK metrics unavailable: ${err instanceof Error ? err.message : String(err)}\n`;
  }
}

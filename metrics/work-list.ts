import { MetricsRegistry } from './registry.js';
import type { Counter } from './registry.js';

/** The counters of the work list. */
export interface TaskMetrics {
  registry: MetricsRegistry;
  /** Tasks moved to a supervisor queue, past due or asked by an operator, by department. */
  tasksEscalated: Counter;
}

export function createTaskMetrics(registry: MetricsRegistry = new MetricsRegistry()): TaskMetrics {
  return {
    registry,
    tasksEscalated: registry.counter(
      'onething_tasks_escalated_total',
      'Work-list tasks escalated to the supervisor queue: past due, or asked by an operator.',
    ),
  };
}

import type { TaskQueue, TaskStatus } from '../schemas/work-list.js';
import type { Queryable } from './pool.js';

/** What the read model says at one scrape: the gauges every process reports alike. */
export interface ReadModelSnapshot {
  applicationsOpen: Array<{ bundle: string; status: string; count: number }>;
  applicationsPastDue: Array<{ bundle: string; count: number }>;
  stepsPastDue: Array<{ bundle: string; department: string; count: number }>;
  tasks: Array<{ department: string; queue: TaskQueue; status: TaskStatus; count: number; overdue: number }>;
  pausedDepartments: string[];
  webhooks: { pending: number; oldestAgeSeconds: number };
}

// A task past due that no timer escalated yet (the worker was down) is overdue all the same.
const taskOverdueSql = `(t.overdue OR (t.status <> 'completed' AND t.due_at < now()))`;

/**
 * Reads the gauges in one round trip per query, each over an index of its table (open
 * applications, due dates, open tasks, due webhook cursors), so a scrape stays cheap as the
 * finished applications pile up.
 */
export async function readModelSnapshot(db: Queryable): Promise<ReadModelSnapshot> {
  const [open, pastDue, steps, tasks, paused, webhooks] = await Promise.all([
    db.query<{ bundle: string; status: string; count: number }>(
      `SELECT bundle_id AS bundle, status, count(*)::int AS count FROM applications
       WHERE status IN ('running', 'waiting') GROUP BY bundle_id, status`,
    ),
    db.query<{ bundle: string; count: number }>(
      `SELECT bundle_id AS bundle, count(*)::int AS count FROM applications
       WHERE status IN ('running', 'waiting') AND due_at IS NOT NULL AND due_at < now() GROUP BY bundle_id`,
    ),
    db.query<{ bundle: string; department: string; count: number }>(
      `SELECT a.bundle_id AS bundle, s.department, count(*)::int AS count
       FROM application_steps s JOIN applications a ON a.id = s.application_id
       WHERE a.status IN ('running', 'waiting') AND s.status IN ('pending', 'running', 'waiting')
         AND s.due_at IS NOT NULL AND s.due_at < now()
       GROUP BY a.bundle_id, s.department`,
    ),
    db.query<{ department: string; queue: TaskQueue; status: TaskStatus; count: number; overdue: number }>(
      `SELECT department, queue, status, count(*)::int AS count,
         (count(*) FILTER (WHERE ${taskOverdueSql}))::int AS overdue
       FROM human_tasks t WHERE status <> 'completed' GROUP BY department, queue, status`,
    ),
    db.query<{ department: string }>('SELECT department FROM department_pauses'),
    // A cursor's next event is the one after the last acknowledged; 'infinity' marks a finished cursor.
    db.query<{ pending: number; age: number | null }>(
      `SELECT count(*)::int AS pending, EXTRACT(EPOCH FROM now() - min(e.at))::float8 AS age
       FROM webhook_deliveries d
       JOIN webhooks w ON w.id = d.webhook_id AND w.disabled_at IS NULL
       JOIN application_events e ON e.application_id = d.application_id AND e.seq = d.delivered_seq + 1
       WHERE d.next_attempt_at <> 'infinity'`,
    ),
  ]);
  const backlog = webhooks.rows[0];
  return {
    applicationsOpen: open.rows,
    applicationsPastDue: pastDue.rows,
    stepsPastDue: steps.rows,
    tasks: tasks.rows,
    pausedDepartments: paused.rows.map((row) => row.department),
    webhooks: { pending: backlog?.pending ?? 0, oldestAgeSeconds: Math.max(0, backlog?.age ?? 0) },
  };
}

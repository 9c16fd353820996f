import type { ApplicationEvent } from '../schemas/events.js';
import type { Queryable } from './pool.js';
import { sealerOf } from './sealing.js';

/** The channel `recordTransitions` notifies, with the application id, after each batch of events. */
export const eventsChannel = 'onething_events';

interface EventRow {
  application_id: string;
  bundle_id: string;
  seq: number;
  at: Date;
  step_id: string | null;
  status: string;
  data: Record<string, unknown>;
}

/** The event a portal receives for one `application_events` row. */
export function toApplicationEvent(row: EventRow): ApplicationEvent {
  return {
    id: `${row.application_id}:${row.seq}`,
    applicationId: row.application_id,
    bundleId: row.bundle_id,
    seq: row.seq,
    type: row.step_id === null ? 'application.status_changed' : 'step.status_changed',
    at: new Date(row.at).toISOString(),
    status: row.status as ApplicationEvent['status'],
    ...(row.step_id === null ? {} : { stepId: row.step_id }),
    data: row.data,
  };
}

/** The application's events with a seq above `afterSeq`, oldest first, at most `limit`. */
export async function eventsAfter(
  db: Queryable,
  applicationId: string,
  afterSeq: number,
  limit = 100,
): Promise<ApplicationEvent[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT e.application_id, a.bundle_id, e.seq, e.at, e.step_id, e.status, e.data
     FROM application_events e JOIN applications a ON a.id = e.application_id
     WHERE e.application_id = $1 AND e.seq > $2
     ORDER BY e.seq LIMIT $3`,
    [applicationId, afterSeq, limit],
  );
  const sealer = sealerOf(db);
  return Promise.all(
    rows.map(async (row) =>
      toApplicationEvent({ ...row, data: ((await sealer.open(row.data)) ?? {}) as EventRow['data'] }),
    ),
  );
}

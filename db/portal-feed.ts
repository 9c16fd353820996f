import type { ApplicationEvent } from '../schemas/events.js';
import { toApplicationEvent } from './events.js';
import type { Queryable } from './pool.js';
import { sealerOf } from './sealing.js';

/**
 * A place in a portal's feed: after the event with this `feed_key` (migration 0022), application
 * and seq. Feed order is (feedKey, applicationId, seq), the same for every reader and process.
 */
export interface FeedPosition {
  feedKey: string;
  applicationId: string;
  seq: number;
}

/** Before every event. */
export const feedStart: FeedPosition = {
  feedKey: '-1',
  applicationId: '00000000-0000-0000-0000-000000000000',
  seq: 0,
};

/** An event of the feed with its place, which a reader resumes after. */
export interface FeedEvent {
  position: FeedPosition;
  event: ApplicationEvent;
}

interface FeedRow {
  application_id: string;
  bundle_id: string;
  seq: number;
  at: Date;
  step_id: string | null;
  status: string;
  data: Record<string, unknown>;
  feed_key: string;
  settled: boolean;
}

/**
 * The client's events after `after`, in feed order, at most `limit`: only settled ones, whose
 * key is below the oldest transaction still open, since no event can commit before them any
 * more. `heldBack` says that committed events wait behind an open transaction: ask again soon.
 */
export async function portalEventsAfter(
  db: Queryable,
  clientId: string,
  after: FeedPosition,
  limit = 100,
): Promise<{ events: FeedEvent[]; heldBack: boolean }> {
  // pg_current_snapshot() is the statement's own snapshot: what is settled under it is also
  // visible to it.
  const { rows } = await db.query<FeedRow>({
    name: 'portal-events-after',
    text: `WITH horizon AS (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin)
     SELECT e.application_id, a.bundle_id, e.seq, e.at, e.step_id, e.status, e.data,
            e.feed_key::text AS feed_key, e.feed_key < horizon.xmin AS settled
     FROM application_events e JOIN applications a ON a.id = e.application_id CROSS JOIN horizon
     WHERE a.client_id = $1 AND (e.feed_key, e.application_id, e.seq) > ($2::bigint, $3::uuid, $4::int)
     ORDER BY e.feed_key, e.application_id, e.seq
     LIMIT $5`,
    values: [clientId, after.feedKey, after.applicationId, after.seq, limit],
  });
  const firstUnsettled = rows.findIndex((row) => !row.settled);
  const settled = firstUnsettled < 0 ? rows : rows.slice(0, firstUnsettled);
  const sealer = sealerOf(db);
  const events = await Promise.all(
    settled.map(async (row) => ({
      position: { feedKey: row.feed_key, applicationId: row.application_id, seq: row.seq },
      event: toApplicationEvent({ ...row, data: ((await sealer.open(row.data)) ?? {}) as FeedRow['data'] }),
    })),
  );
  return { events, heldBack: firstUnsettled >= 0 };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedStart, portalEventsAfter } from '../../db/portal-feed.js';
import type { FeedPosition } from '../../db/portal-feed.js';
import { applicationEventSchema } from '../../schemas/events.js';
import type { ApplicationEvent } from '../../schemas/events.js';
import { followEventStream } from '../support/event-stream.js';
import type { EventFrame } from '../support/event-stream.js';
import { eventually } from '../support/eventually.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import { startSecondApi } from '../support/second-api.js';
import type { TestRole, TestStack } from '../support/stack.js';

let stack: TestStack;
// A second API process's view: its own pool, its own LISTEN connection, the same database.
let second: Awaited<ReturnType<typeof startSecondApi>>;
beforeAll(async () => {
  stack = await startTestStack();
  second = await startSecondApi(stack);
});
afterAll(async () => {
  await second?.stop();
  await stack?.close();
});

const follow = (
  apiUrl: string,
  enough: (frames: EventFrame[]) => boolean,
  headers: Record<string, string> = {},
  as: TestRole = 'portal',
) =>
  followEventStream(`${apiUrl}/v1/events`, { authorization: `Bearer ${stack.keys[as]}`, ...headers }, enough);

const eventOf = (frame: EventFrame): ApplicationEvent => applicationEventSchema.parse(JSON.parse(frame.data));

/** Every event of these applications in the read model, as `<application>:<seq>`. */
async function recordedEvents(applicationIds: string[]): Promise<string[]> {
  const { rows } = await stack.pool.query<{ id: string }>(
    `SELECT application_id || ':' || seq AS id FROM application_events
     WHERE application_id = ANY ($1::uuid[]) ORDER BY application_id, seq`,
    [applicationIds],
  );
  return rows.map((r) => r.id);
}

async function waitUntilEnded(id: string, as: TestRole) {
  await eventually(
    `application ${id} ended`,
    async () => {
      const view = await stack.request<{ status: string }>(
        'GET',
        `/v1/applications/${id}`,
        undefined,
        {},
        as,
      );
      return ended(view.body) ? true : undefined;
    },
    60_000,
  );
}

/** (feed key, application, seq) of a frame id, compared as the feed orders them. */
function positionOf(id: string): [bigint, string, number] {
  const [key = '', application = '', seq = ''] = id.split('.');
  return [BigInt(key), application, Number(seq)];
}
const before = (a: string, b: string) => {
  const [ka, aa, sa] = positionOf(a);
  const [kb, ab, sb] = positionOf(b);
  return ka !== kb ? ka < kb : aa !== ab ? aa < ab : sa < sb;
};

describe('GET /v1/events (one feed for a portal)', () => {
  it("resumes after a disconnect on another API process: the union is exactly the portal's events", async () => {
    await stack.stopWorker();
    const a1 = (await stack.submit(newbornRequest())).body.id;
    const a2 = (await stack.submit(newbornRequest())).body.id;
    const o1 = (await stack.submit(newbornRequest(), undefined, 'otherPortal')).body.id;

    // Connected before anything happened; disconnected mid-stream, after three frames.
    const firstPart = follow(stack.apiUrl, (frames) => frames.length >= 3);
    await stack.startWorker();
    const first = await firstPart;
    expect(first.status).toBe(200);
    expect(first.contentType).toContain('text/event-stream');

    // Meanwhile: a new application and the rest of the others' events.
    const a3 = (await stack.submit(newbornRequest())).body.id;
    for (const id of [a1, a2, a3]) await waitUntilEnded(id, 'portal');
    await waitUntilEnded(o1, 'otherPortal');
    const expected = await recordedEvents([a1, a2, a3]);

    const lastId = first.frames.at(-1)?.id ?? '';
    const rest = await follow(
      second.url,
      (frames) => first.frames.length + frames.length >= expected.length,
      {
        'last-event-id': lastId,
      },
    );
    expect(rest.status).toBe(200);

    const frames = [...first.frames, ...rest.frames];
    const events = frames.map(eventOf);
    const received = events.map((e) => `${e.applicationId}:${e.seq}`);
    expect(new Set(received).size).toBe(received.length);
    expect([...received].sort()).toEqual([...expected].sort());
    expect(events.some((e) => e.applicationId === a3)).toBe(true);
    expect(events.every((e) => e.applicationId !== o1)).toBe(true);
    // One order for the whole feed, in which each application keeps its seq order.
    for (const [i, frame] of frames.entries()) {
      expect(frame.event).toBe(events[i]?.type);
      if (i > 0) expect(before(frames[i - 1]?.id ?? '', frame.id ?? '')).toBe(true);
    }
    for (const id of [a1, a2, a3]) {
      const seqs = events.filter((e) => e.applicationId === id).map((e) => e.seq);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }

    // The other portal's feed carries its application, and only it.
    const others = await recordedEvents([o1]);
    const theirs = await follow(second.url, (f) => f.length >= others.length, {}, 'otherPortal');
    expect(theirs.frames.map((f) => `${eventOf(f).applicationId}:${eventOf(f).seq}`)).toEqual(others);
  });

  it('holds back events committed after a transaction that is still open, and then gives both in order', async () => {
    await stack.stopWorker();
    try {
      const b1 = (await stack.submit(newbornRequest())).body.id;
      const b2 = (await stack.submit(newbornRequest())).body.id;
      let head: FeedPosition = feedStart;
      for (;;) {
        const page = await portalEventsAfter(stack.pool, 'test-portal', head, 100);
        if (page.events.length === 0) break;
        head = page.events.at(-1)?.position ?? head;
      }
      const insert = `INSERT INTO application_events (application_id, seq, at, status, data)
        VALUES ($1, 1000, now(), 'running', '{}')`;
      const older = await stack.pool.connect();
      try {
        await older.query('BEGIN');
        await older.query(insert, [b1]);
        // A later transaction commits first: a feed that passed its event would never see b1's.
        await stack.pool.query(insert, [b2]);
        const meanwhile = await portalEventsAfter(stack.pool, 'test-portal', head);
        expect(meanwhile).toEqual({ events: [], heldBack: true });
        await older.query('COMMIT');
      } finally {
        older.release();
      }
      const settled = await eventually('the held-back events', async () => {
        const page = await portalEventsAfter(stack.pool, 'test-portal', head);
        return page.events.length === 2 ? page.events : undefined;
      });
      expect(settled.map((e) => e.event.applicationId)).toEqual([b1, b2]);
    } finally {
      await stack.startWorker();
    }
  });

  it('answers a Last-Event-ID it did not give with a 400 problem', async () => {
    const answer = await follow(stack.apiUrl, () => true, { 'last-event-id': '12' });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

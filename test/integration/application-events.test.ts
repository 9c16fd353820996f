import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationEventSchema } from '../../schemas/events.js';
import type { ApplicationEvent } from '../../schemas/events.js';
import { readEventStream } from '../support/event-stream.js';
import type { EventFrame } from '../support/event-stream.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestRole, TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const stream = (
  applicationId: string,
  as: TestRole | null = 'portal',
  headers: Record<string, string> = {},
) =>
  readEventStream(`${stack.apiUrl}/v1/applications/${applicationId}/events`, {
    ...(as === null ? {} : { authorization: `Bearer ${stack.keys[as]}` }),
    ...headers,
  });

const eventsOf = (frames: EventFrame[]) =>
  frames.map((f) => applicationEventSchema.parse(JSON.parse(f.data)));
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

async function eventCount(applicationId: string): Promise<number> {
  const { rows } = await stack.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM application_events WHERE application_id = $1',
    [applicationId],
  );
  return rows[0]?.n ?? 0;
}

/** An application that ended, with the events its portal's stream carried. */
async function endedWithEvents(): Promise<{ id: string; events: ApplicationEvent[] }> {
  const submitted = await stack.submit(newbornRequest());
  const result = await stream(submitted.body.id);
  expect(result.status).toBe(200);
  return { id: submitted.body.id, events: eventsOf(result.frames) };
}

describe('GET /v1/applications/:id/events', () => {
  it('streams every event live, in seq order, and ends after the final status', async () => {
    // No worker yet: the stream opens before anything happened and must wait for the events.
    await stack.stopWorker();
    const submitted = await stack.submit(newbornRequest());
    expect(submitted.status).toBe(201);
    const reading = stream(submitted.body.id);
    await stack.startWorker();
    const result = await reading;

    expect(result.status).toBe(200);
    expect(result.contentType).toContain('text/event-stream');
    const events = eventsOf(result.frames);
    expect(events.map((e) => e.seq)).toEqual(oneTo(await eventCount(submitted.body.id)));
    for (const [i, frame] of result.frames.entries()) {
      expect(frame.id).toBe(String(events[i]?.seq));
      expect(frame.event).toBe(events[i]?.type);
      expect(events[i]?.id).toBe(`${submitted.body.id}:${events[i]?.seq}`);
    }
    const view = await stack.getApplication(submitted.body.id);
    expect(ended(view)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'application.status_changed', status: view.status });
  });

  it('resumes after Last-Event-ID with only the later events, and answers 204 after the last one', async () => {
    const { id, events } = await endedWithEvents();
    const k = 3;
    const resumed = await stream(id, 'portal', { 'last-event-id': String(k) });
    expect(resumed.status).toBe(200);
    expect(eventsOf(resumed.frames)).toEqual(events.filter((e) => e.seq > k));

    const after = await stream(id, 'portal', { 'last-event-id': String(events.length) });
    expect(after.status).toBe(204);
    expect(after.frames).toEqual([]);
  });

  it('answers 404 to another portal, 401 without credentials, 400 for a bad Last-Event-ID', async () => {
    const submitted = await stack.submit(newbornRequest());
    const other = await stream(submitted.body.id, 'otherPortal');
    expect(other.status).toBe(404);
    expect(other.contentType).toContain('application/problem+json');
    expect(other.body).toMatchObject({ code: 'APPLICATION_NOT_FOUND' });

    const anonymous = await stream(submitted.body.id, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'UNAUTHENTICATED' });

    const bad = await stream(submitted.body.id, 'portal', { 'last-event-id': 'abc' });
    expect(bad.status).toBe(400);
  });

  it('shows operators the same events with personal data masked', async () => {
    const { id, events } = await endedWithEvents();
    const operator = await stream(id, 'operator');
    expect(operator.status).toBe(200);
    const seen = eventsOf(operator.frames);
    expect(seen.map((e) => e.seq)).toEqual(events.map((e) => e.seq));

    const citizenIdNumber = events
      .map((e) => (e.data.outputs as Record<string, unknown> | undefined)?.citizenIdNumber)
      .find((value) => typeof value === 'string');
    expect(citizenIdNumber).toEqual(expect.any(String));
    expect(operator.frames.map((f) => f.data).join('\n')).not.toContain(citizenIdNumber);
  });
});

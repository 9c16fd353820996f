import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { auditListSchema } from '../../schemas/ops.js';
import type { failedDeliverySchema, replayResultSchema } from '../../schemas/webhooks.js';
import { eventually } from '../support/eventually.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import type { WebhookReceiver } from '../support/webhook-receiver.js';

type FailedDelivery = z.infer<typeof failedDeliverySchema>;
type ReplayResult = z.infer<typeof replayResultSchema>;

// Short, so that the test sees deliveries given up on: an event is retried for 1.5 s after it happened.
const retryForMs = 1500;

let stack: TestStack;
let receiver: WebhookReceiver;
let failing = true;
let webhookId = '';
beforeAll(async () => {
  stack = await startTestStack({ webhookDispatch: { retryForMs } });
  receiver = await startWebhookReceiver(() => (failing ? 503 : 200));
  const created = await stack.request<{ id: string }>('POST', '/v1/webhooks', { url: receiver.url });
  expect(created.status).toBe(201);
  webhookId = created.body.id;
});
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

const failedDeliveries = async (query = '', as: 'portal' | 'otherPortal' = 'portal') =>
  stack.request<{ failedDeliveries: FailedDelivery[]; nextCursor: string | null; code?: string }>(
    'GET',
    `/v1/webhooks/${webhookId}/failed-deliveries${query}`,
    undefined,
    {},
    as,
  );

const replay = (body: unknown, as: 'portal' | 'otherPortal' = 'portal') =>
  stack.request<ReplayResult & { code?: string }>(
    'POST',
    `/v1/webhooks/${webhookId}/failed-deliveries/replay`,
    body,
    {},
    as,
  );

/** The 2xx answers the receiver gave per seq of the application. */
function acknowledgedPerSeq(applicationId: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const d of receiver.of(applicationId)) {
    if (d.answered < 300) counts.set(d.event.seq, (counts.get(d.event.seq) ?? 0) + 1);
  }
  return counts;
}

async function endedApplication(): Promise<{ id: string; events: number }> {
  const submitted = await stack.submit(newbornRequest());
  expect(submitted.status).toBe(201);
  const id = submitted.body.id;
  await stack.waitForApplication(id, ended, 60_000);
  const { rows } = await stack.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM application_events WHERE application_id = $1',
    [id],
  );
  return { id, events: rows[0]?.n ?? 0 };
}

describe('webhook failed deliveries (dead letters)', () => {
  let application: { id: string; events: number };
  let listed: FailedDelivery[] = [];

  it('gives a failing delivery up after WEBHOOK_RETRY_FOR and lists it; later events go on to the same fate', async () => {
    application = await endedApplication();
    listed = await eventually('every event listed as failed', async () => {
      const answer = await failedDeliveries();
      return answer.body.failedDeliveries.length === application.events
        ? answer.body.failedDeliveries
        : undefined;
    });
    expect(new Set(listed.map((f) => f.seq))).toEqual(
      new Set(Array.from({ length: application.events }, (_, i) => i + 1)),
    );
    const { rows: events } = await stack.pool.query<{ seq: number; at: Date }>(
      'SELECT seq, at FROM application_events WHERE application_id = $1',
      [application.id],
    );
    for (const f of listed) {
      expect(f).toMatchObject({
        eventId: `${application.id}:${f.seq}`,
        applicationId: application.id,
        status: 'failed',
        lastStatus: 503,
        lastError: 'answered HTTP 503',
        replayRequestedAt: null,
        deliveredAt: null,
      });
      expect(f.attempts).toBeGreaterThanOrEqual(1);
      const happened = events.find((e) => e.seq === f.seq)?.at.getTime() ?? 0;
      expect(Date.parse(f.failedAt) - happened).toBeGreaterThanOrEqual(retryForMs);
    }
    // Newest first, and the cursor of the webhook moved past every event: nothing is retried any more.
    const failedAts = listed.map((f) => Date.parse(f.failedAt));
    expect(failedAts).toEqual([...failedAts].sort((a, b) => b - a));
    const { rows } = await stack.pool.query<{ delivered_seq: number }>(
      'SELECT delivered_seq FROM webhook_deliveries WHERE webhook_id = $1 AND application_id = $2',
      [webhookId, application.id],
    );
    expect(rows[0]?.delivered_seq).toBe(application.events);
    expect(acknowledgedPerSeq(application.id).size).toBe(0);

    const paged = await failedDeliveries('?limit=2');
    expect(paged.body.failedDeliveries.map((f) => f.id)).toEqual(listed.slice(0, 2).map((f) => f.id));
    const next = await failedDeliveries(`?limit=2&cursor=${encodeURIComponent(paged.body.nextCursor ?? '')}`);
    expect(next.body.failedDeliveries.map((f) => f.id)).toEqual(listed.slice(2, 4).map((f) => f.id));
  });

  it('replays chosen ones once each, and never a delivered one again', async () => {
    failing = false;
    const chosen = listed.slice(0, 2).map((f) => f.id);
    const first = await replay({ ids: chosen });
    expect(first.status).toBe(202);
    expect([...first.body.replaying].sort()).toEqual([...chosen].sort());
    expect(first.body.skipped).toEqual([]);
    await eventually('the chosen ones delivered', async () => {
      const delivered = (await failedDeliveries('?status=delivered')).body.failedDeliveries;
      return delivered.length === 2 ? delivered : undefined;
    });
    const again = await replay({ ids: chosen });
    expect(again.status).toBe(202);
    expect(again.body.replaying).toEqual([]);
    expect(again.body.skipped.map((s) => s.status)).toEqual(['delivered', 'delivered']);

    const acknowledged = acknowledgedPerSeq(application.id);
    for (const f of listed.slice(0, 2)) expect(acknowledged.get(f.seq)).toBe(1);
    expect(acknowledged.size).toBe(2);
  });

  it('replays all the rest, once each, even when asked twice at once', async () => {
    const [a, b] = await Promise.all([replay({ all: true }), replay({ all: true })]);
    expect([a?.status, b?.status]).toEqual([202, 202]);
    const queued = [...a.body.replaying, ...b.body.replaying];
    expect(new Set(queued).size).toBe(queued.length);
    expect(new Set(queued)).toEqual(new Set(listed.slice(2).map((f) => f.id)));

    await eventually('every one delivered', async () => {
      const delivered = (await failedDeliveries('?status=delivered&limit=100')).body.failedDeliveries;
      return delivered.length === application.events ? true : undefined;
    });
    // A later application's events are delivered after every replay round: nothing comes twice.
    const later = await endedApplication();
    await receiver.waitFor(() => acknowledgedPerSeq(later.id).size === later.events);
    const acknowledged = acknowledgedPerSeq(application.id);
    expect(acknowledged.size).toBe(application.events);
    expect([...acknowledged.values()].every((n) => n === 1)).toBe(true);
    const replayed = receiver.of(application.id).find((d) => d.answered < 300);
    expect(replayed?.headers['onething-event-id']).toBe(replayed?.event.id);
  });

  it('audits every replay, refusals included', async () => {
    const unknown = randomUUID();
    const refused = await replay({ ids: [unknown] });
    expect(refused.status).toBe(404);
    expect(refused.body.code).toBe('FAILED_DELIVERY_NOT_FOUND');

    const audit = await stack.request<z.infer<typeof auditListSchema>>(
      'GET',
      '/v1/ops/audit?action=webhook.replay&limit=100',
      undefined,
      {},
      'operator',
    );
    expect(audit.status).toBe(200);
    const ok = audit.body.entries.filter((e) => e.result === 'ok');
    expect(new Set(ok.map((e) => e.target))).toEqual(new Set(listed.map((f) => f.id)));
    expect(ok).toHaveLength(application.events);
    for (const e of ok) {
      expect(e).toMatchObject({ role: 'portal', applicationId: application.id });
      expect(e.detail).toMatchObject({ webhookId, portal: 'test-portal' });
    }
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({ result: 'FAILED_DELIVERY_NOT_FOUND', target: webhookId }),
    );
  });

  it('keeps another portal out, and answers bad input with 400 problems', async () => {
    expect((await failedDeliveries('', 'otherPortal')).status).toBe(404);
    const foreign = await replay({ all: true }, 'otherPortal');
    expect([foreign.status, foreign.body.code]).toEqual([404, 'WEBHOOK_NOT_FOUND']);
    for (const body of [
      {},
      { ids: [] },
      { ids: ['not-a-uuid'] },
      { all: false },
      { all: true, ids: [randomUUID()] },
    ]) {
      const answer = await replay(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.contentType).toContain('application/problem+json');
    }
    const badStatus = await failedDeliveries('?status=lost');
    expect([badStatus.status, badStatus.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const badCursor = await failedDeliveries('?cursor=nope');
    expect(badCursor.status).toBe(400);
  });

  it('gives a replay that keeps failing up again after WEBHOOK_RETRY_FOR, to be replayed once more', async () => {
    failing = true;
    const second = await endedApplication();
    const target = await eventually('its first event listed as failed', async () => {
      const all = (await failedDeliveries('?status=failed&limit=100')).body.failedDeliveries;
      return all.find((f) => f.applicationId === second.id && f.seq === 1);
    });
    const asked = await replay({ ids: [target.id] });
    expect(asked.body).toEqual({ replaying: [target.id], skipped: [] });
    const again = await eventually('the replay given up', async () => {
      const all = (await failedDeliveries('?status=failed&limit=100')).body.failedDeliveries;
      return all.find((f) => f.id === target.id && f.replayRequestedAt !== null);
    });
    expect(again.attempts).toBeGreaterThan(target.attempts);
    expect(Date.parse(again.failedAt) - Date.parse(again.replayRequestedAt ?? '')).toBeGreaterThanOrEqual(
      retryForMs,
    );
    expect(acknowledgedPerSeq(second.id).size).toBe(0);
    failing = false;
    expect((await replay({ ids: [target.id] })).body.replaying).toEqual([target.id]);
  });
});

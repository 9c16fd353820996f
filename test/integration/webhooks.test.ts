import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { verifyWebhookSignature } from '../../notifications/signature.js';
import { applicationEventSchema } from '../../schemas/events.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestRole, TestStack } from '../support/stack.js';
import { firstReceipts, startWebhookReceiver } from '../support/webhook-receiver.js';
import type { ReceivedDelivery, WebhookReceiver } from '../support/webhook-receiver.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

interface CreatedWebhook {
  id: string;
  url: string;
  secret: string;
  createdAt: string;
}

/** A receiver with a webhook registered for it; both are gone when the test ends. */
async function registeredReceiver(as: TestRole = 'portal', answer?: (n: number) => number) {
  const receiver = await startWebhookReceiver(answer);
  const created = await stack.request<CreatedWebhook>('POST', '/v1/webhooks', { url: receiver.url }, {}, as);
  expect(created.status).toBe(201);
  onTestFinished(async () => {
    await stack.request('DELETE', `/v1/webhooks/${created.body.id}`, undefined, {}, as);
    await receiver.close();
  });
  return { receiver, webhook: created.body };
}

/** Polls `read` until `done` holds for its result, at most `timeoutMs`; fails with the last result. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`not reached: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** Submits a newborn application and waits until it ended; returns its id and its number of events. */
async function endedApplication(as: TestRole = 'portal') {
  const submitted = await stack.submit(newbornRequest(), undefined, as);
  expect(submitted.status).toBe(201);
  const id = submitted.body.id;
  const view = await eventually(() => stack.getApplication(id, as), ended);
  const { rows } = await stack.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM application_events WHERE application_id = $1',
    [id],
  );
  return { id, status: view.status, events: rows[0]?.n ?? 0 };
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** Waits until the receiver acknowledged (2xx) every event of the application. */
const allAcknowledged = (receiver: WebhookReceiver, applicationId: string, n: number) =>
  receiver.waitFor(() => {
    const acknowledged = receiver.of(applicationId).filter((d) => d.answered < 300);
    return new Set(acknowledged.map((d) => d.event.seq)).size === n;
  });

describe('webhooks', () => {
  it('deliver every event of an application once, in seq order, signed with the webhook secret', async () => {
    const { receiver, webhook } = await registeredReceiver();
    expect(webhook).toMatchObject({ id: expect.stringMatching(/^wh_/), url: receiver.url });
    expect(webhook.secret).toMatch(/^whsec_/);

    const application = await endedApplication();
    expect(application.events).toBeGreaterThan(5);
    await allAcknowledged(receiver, application.id, application.events);

    const deliveries = receiver.of(application.id);
    expect(deliveries.map((d) => d.event.seq)).toEqual(oneTo(application.events));
    for (const delivery of deliveries) {
      expect(applicationEventSchema.parse(delivery.event)).toEqual(delivery.event);
      expect(delivery.event.id).toBe(`${application.id}:${delivery.event.seq}`);
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers['onething-event-id']).toBe(delivery.event.id);
      const signature = delivery.headers['onething-signature'] as string;
      expect(verifyWebhookSignature(webhook.secret, delivery.body, signature)).toBe(true);
      expect(verifyWebhookSignature('whsec_someone-else', delivery.body, signature)).toBe(false);
    }
    const last = deliveries.at(-1)?.event;
    expect(last).toMatchObject({ type: 'application.status_changed', status: application.status });
    expect(deliveries.filter((d) => d.event.type === 'step.status_changed').length).toBeGreaterThan(0);
  });

  it('retry a receiver that fails, holding back later events until the failed one is acknowledged', async () => {
    const { receiver, webhook } = await registeredReceiver('portal', (n) => (n <= 3 ? 500 : 200));

    const application = await endedApplication();
    await allAcknowledged(receiver, application.id, application.events);

    const deliveries = receiver.of(application.id);
    expect(deliveries.slice(0, 4).map((d) => [d.event.seq, d.answered])).toEqual([
      [1, 500],
      [1, 500],
      [1, 500],
      [1, 200],
    ]);
    expect(firstReceipts(deliveries)).toEqual(oneTo(application.events));
    const acknowledged = deliveries.filter((d) => d.answered === 200);
    expect(firstReceipts(acknowledged)).toEqual(oneTo(application.events));
    // Every retry is the same event, with the same id, signed again.
    const retries = deliveries.slice(0, 4);
    expect(new Set(retries.map((d) => d.headers['onething-event-id'])).size).toBe(1);
    expect(
      retries.every((d) =>
        verifyWebhookSignature(webhook.secret, d.body, d.headers['onething-signature'] as string),
      ),
    ).toBe(true);

    // The receiver counts a delivery before the dispatcher has its answer and moves the cursor.
    const cursor = await eventually(
      async () =>
        (
          await stack.pool.query<{ delivered_seq: number }>(
            `SELECT delivered_seq, attempts, last_status, last_error FROM webhook_deliveries
             WHERE webhook_id = $1 AND application_id = $2`,
            [webhook.id, application.id],
          )
        ).rows,
      (rows) => rows[0]?.delivered_seq === application.events,
    );
    expect(cursor).toEqual([
      { delivered_seq: application.events, attempts: 0, last_status: 200, last_error: null },
    ]);
  });

  it("deliver nothing of one portal's applications to another portal's webhook", async () => {
    const mine = await registeredReceiver('portal');
    const theirs = await registeredReceiver('otherPortal');

    const [myApplication, theirApplication] = await Promise.all([
      endedApplication('portal'),
      endedApplication('otherPortal'),
    ]);
    await Promise.all([
      allAcknowledged(mine.receiver, myApplication.id, myApplication.events),
      allAcknowledged(theirs.receiver, theirApplication.id, theirApplication.events),
    ]);

    const applications = (received: ReceivedDelivery[]) =>
      new Set(received.map((d) => d.event.applicationId));
    expect(applications(mine.receiver.received)).toEqual(new Set([myApplication.id]));
    expect(applications(theirs.receiver.received)).toEqual(new Set([theirApplication.id]));
  });

  it('refuse a URL that is not http or https, and any other field', async () => {
    for (const body of [
      { url: 'ftp://example.org/hook' },
      { url: 'not a url' },
      { url: 'javascript:alert(1)' },
      {},
      { url: 'https://example.org/hook', secret: 'mine' },
    ]) {
      const result = await stack.request('POST', '/v1/webhooks', body);
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(result.contentType).toContain('application/problem+json');
      expect(result.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it("list and delete only the portal's own webhooks; another portal's is a 404", async () => {
    const created = await stack.request<CreatedWebhook>('POST', '/v1/webhooks', {
      url: 'https://portal.example.org/onething',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;

    const listed = await stack.request<{ webhooks: Array<Record<string, unknown>> }>('GET', '/v1/webhooks');
    expect(listed.status).toBe(200);
    expect(listed.body.webhooks).toContainEqual({
      id,
      url: 'https://portal.example.org/onething',
      createdAt: created.body.createdAt,
    });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    const theirs = await stack.request<{ webhooks: unknown[] }>(
      'GET',
      '/v1/webhooks',
      undefined,
      {},
      'otherPortal',
    );
    expect(theirs.body.webhooks).toEqual([]);

    const foreign = await stack.request('DELETE', `/v1/webhooks/${id}`, undefined, {}, 'otherPortal');
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });

    expect((await stack.request('DELETE', `/v1/webhooks/${id}`)).status).toBe(204);
    expect((await stack.request('DELETE', `/v1/webhooks/${id}`)).status).toBe(404);
    const after = await stack.request<{ webhooks: Array<{ id: string }> }>('GET', '/v1/webhooks');
    expect(after.body.webhooks.map((w) => w.id)).not.toContain(id);
  });

  it('are for portals only', async () => {
    const result = await stack.request('GET', '/v1/webhooks', undefined, {}, 'operator');
    expect(result.status).toBe(403);
    expect((await stack.request('GET', '/v1/webhooks', undefined, {}, null)).status).toBe(401);
  });
});

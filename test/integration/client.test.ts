import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnethingClient, followEvents, startApplication } from '../../clients/typescript/src/index.js';
import type { ApplicationEvent, ApplicationRequest } from '../../clients/typescript/src/index.js';
import { newborn } from '../../bundles/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe('the typed client against the running stack', () => {
  it('starts a newborn application, follows its events to completion, and resumes after any of them', async () => {
    const client = createOnethingClient({ baseUrl: stack.apiUrl, apiKey: stack.keys.portal });
    // The bundle's own example is a request the generated types accept as it is.
    const body = newborn.example as ApplicationRequest;
    const started = await startApplication(client, body);
    expect(started.created).toBe(true);
    // A retry with the same key answers the same application and starts nothing new.
    const again = await startApplication(client, body, { idempotencyKey: started.idempotencyKey });
    expect(again).toMatchObject({ created: false, application: { id: started.application.id } });

    const follow = {
      baseUrl: stack.apiUrl,
      apiKey: stack.keys.portal,
      applicationId: started.application.id,
    };
    const events: ApplicationEvent[] = [];
    for await (const event of followEvents({ ...follow, signal: AbortSignal.timeout(60_000) }))
      events.push(event);
    expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ type: 'application.status_changed', status: 'completed' });
    const read = await client.GET('/v1/applications/{id}', {
      params: { path: { id: started.application.id } },
    });
    expect(read.data?.status).toBe('completed');

    // Resuming after an event yields exactly the rest; after the last, nothing (the API's 204).
    const middle = events[Math.floor(events.length / 2)]!;
    const rest: ApplicationEvent[] = [];
    for await (const event of followEvents({ ...follow, lastEventId: String(middle.seq) })) rest.push(event);
    expect(rest.map((e) => e.id)).toEqual(events.filter((e) => e.seq > middle.seq).map((e) => e.id));
    const none: ApplicationEvent[] = [];
    for await (const event of followEvents({ ...follow, lastEventId: String(events.at(-1)!.seq) }))
      none.push(event);
    expect(none).toEqual([]);
  }, 90_000);

  it('answers a refused submission as an error with the problem code', async () => {
    const client = createOnethingClient({ baseUrl: stack.apiUrl, apiKey: stack.keys.portal });
    const bad = { ...newborn.example, applicant: { ...newborn.example.applicant, idNumber: '1' } };
    await expect(startApplication(client, bad as ApplicationRequest)).rejects.toMatchObject({
      status: 400,
      problem: { code: 'VALIDATION_FAILED' },
    });
  });
});

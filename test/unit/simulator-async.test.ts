import type { FastifyInstance } from 'fastify';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findService } from '../../departments/catalog/index.js';
import { verifyRequest } from '../../departments/signing.js';
import type { CallbackBody } from '../../departments/simulator/callbacks.js';
import type { LedgerEntry, RequestRecord } from '../../departments/simulator/ledger.js';
import { buildSimulator, startSimulator } from '../../departments/simulator/server.js';
import { citizenIdCheckDigit } from '../../schemas/fields.js';

const fatherIdNumber = ((first17: string) => `${first17}${citizenIdCheckDigit(first17)}`)(
  '33010619880202001',
);
const otherIdNumber = ((first17: string) => `${first17}${citizenIdCheckDigit(first17)}`)('33010619900101002');

const registration = (householdParentIdNumber = fatherIdNumber) => ({
  certificateNumber: 'Y12345678901',
  babyName: '王小明',
  babySex: 'female',
  birthDate: '2024-03-05',
  ethnicity: '汉族',
  householdParentIdNumber,
  marriageCertificateNumber: 'J330106-2020-001234',
});

const policeKey = { keyId: 'police-2024', secret: 'police-callback-secret' };
const parentRule = {
  code: 'PARENT_NOT_REGISTERED',
  reason: '父母户籍不在本辖区',
  when: { field: 'householdParentIdNumber', equals: fatherIdNumber },
};

let app: FastifyInstance;

beforeEach(() => {
  app = buildSimulator();
});

afterEach(async () => {
  vi.useRealTimers();
  await app.close();
});

function submit(key: string, body: object = registration()) {
  return app.inject({
    method: 'POST',
    url: '/departments/police/services/birth-registration',
    headers: { 'idempotency-key': key },
    payload: body,
  });
}

function poll(receiptNumber: string) {
  return app.inject({
    method: 'GET',
    url: `/departments/police/services/birth-registration/cases/${receiptNumber}`,
  });
}

function decideNow(receiptNumber: string) {
  return app.inject({
    method: 'POST',
    url: `/admin/services/police/birth-registration/decide/${receiptNumber}`,
  });
}

function setBehaviour(behaviour: object) {
  return app.inject({ method: 'PUT', url: '/admin/services/police/birth-registration', payload: behaviour });
}

function setCallbacks(config: object) {
  return app.inject({ method: 'PUT', url: '/admin/callbacks', payload: config });
}

async function ledger(): Promise<LedgerEntry[]> {
  return (await app.inject({ method: 'GET', url: '/admin/ledger' })).json<{ entries: LedgerEntry[] }>()
    .entries;
}

async function requests(): Promise<RequestRecord[]> {
  return (await app.inject({ method: 'GET', url: '/admin/requests' })).json<{ requests: RequestRecord[] }>()
    .requests;
}

async function accept(key: string, body?: object): Promise<string> {
  const response = await submit(key, body);
  expect(response.statusCode).toBe(202);
  return response.json<{ receiptNumber: string }>().receiptNumber;
}

const outputSchema = findService('police', 'birth-registration')?.output;

describe('outage', () => {
  it('answers 503 OUTAGE without a side effect until the window ends, then decides', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const put = await setBehaviour({ outage: { forMs: 60_000 } });
    expect(put.json()).toEqual({ outage: { until: '2030-01-01T00:01:00.000Z' } });

    const during = await submit('k-1');
    expect(during.statusCode).toBe(503);
    expect(during.json()).toEqual({
      code: 'OUTAGE',
      reason: 'the department is down until 2030-01-01T00:01:00.000Z',
    });
    expect(await ledger()).toEqual([expect.objectContaining({ requestCount: 1, outcome: null })]);

    vi.setSystemTime(new Date('2030-01-01T00:01:00Z'));
    expect((await submit('k-1')).statusCode).toBe(200);
  });

  it('ignores an outage that has ended', async () => {
    await setBehaviour({ outage: { until: '2000-01-01T00:00:00Z' } });

    expect((await submit('k-1')).statusCode).toBe(200);
  });

  it.each([
    ['a zero duration', { outage: { forMs: 0 } }],
    ['an end that is not a timestamp', { outage: { until: 'tomorrow' } }],
    ['both an end and a duration', { outage: { until: '2030-01-01T00:00:00Z', forMs: 1 } }],
    ['an unknown decision mode', { decision: 'email' }],
    ['a negative decision delay', { decisionDelayMs: -1 }],
  ])('refuses %s', async (_name, behaviour) => {
    expect((await setBehaviour(behaviour)).statusCode).toBe(400);
  });
});

describe('reject by rule', () => {
  it('rejects the ID number the rule names and decides any other', async () => {
    await setBehaviour({ reject: parentRule });

    const named = await submit('k-named', registration(fatherIdNumber));
    const other = await submit('k-other', registration(otherIdNumber));

    expect(named.statusCode).toBe(422);
    expect(named.json()).toEqual({ code: parentRule.code, reason: parentRule.reason });
    expect(other.statusCode).toBe(200);
  });

  it('answers 503 to every request at a failure rate of 1', async () => {
    await setBehaviour({ failureRate: 1 });

    expect((await submit('k-1')).json()).toMatchObject({ code: 'UNAVAILABLE' });
    expect((await submit('k-1')).statusCode).toBe(503);
  });
});

describe('decision by poll', () => {
  it('accepts with a receipt, answers pending, then the decided outputs', async () => {
    await setBehaviour({ decision: 'poll', decisionDelayMs: 600_000 });

    const first = await submit('k-1');
    expect(first.statusCode).toBe(202);
    const { receiptNumber } = first.json<{ receiptNumber: string }>();
    expect(first.json()).toEqual({ status: 'accepted', receiptNumber: expect.stringMatching(/^RCPT-/) });
    expect(await ledger()).toEqual([
      expect.objectContaining({ outcome: 'accepted', status: 202, receiptNumber, input: registration() }),
    ]);
    expect((await ledger())[0]).not.toHaveProperty('decidedAt');
    const pending = await poll(receiptNumber);
    expect(pending.statusCode).toBe(200);
    expect(pending.json()).toEqual({ status: 'pending' });

    const again = await submit('k-1');
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());

    const decided = await decideNow(receiptNumber);
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({ receiptNumber, outcome: 'done' });
    const answer = await poll(receiptNumber);
    expect(answer.statusCode).toBe(200);
    const body = answer.json<{ status: string; receiptNumber: string; outputs: unknown }>();
    expect(body).toMatchObject({ status: 'decided', receiptNumber });
    expect(outputSchema?.safeParse(body.outputs).success).toBe(true);

    const [entry, ...others] = await ledger();
    expect(others).toEqual([]);
    expect(entry).toMatchObject({ requestCount: 2, outcome: 'done', status: 202, outputs: body.outputs });
    expect(entry?.decidedAt).toEqual(expect.any(String));
    // Submitting again after the decision still replays the acceptance, not a second case.
    expect((await submit('k-1')).json()).toEqual(first.json());
    expect((await requests()).map((r) => `${r.kind} ${r.status}`)).toEqual([
      'submit 202',
      'poll 200',
      'submit 202',
      'poll 200',
      'submit 202',
    ]);
  });

  it('decides after decisionDelayMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await setBehaviour({ decision: 'poll', decisionDelayMs: 5_000 });
    const receiptNumber = await accept('k-1');

    await vi.advanceTimersByTimeAsync(4_999);
    expect((await poll(receiptNumber)).json()).toEqual({ status: 'pending' });
    await vi.advanceTimersByTimeAsync(1);
    expect((await poll(receiptNumber)).json()).toMatchObject({ status: 'decided' });
  });

  it('answers a rejection by rule as 422 once decided', async () => {
    await setBehaviour({ decision: 'poll', decisionDelayMs: 600_000, reject: parentRule });
    const receiptNumber = await accept('k-1');
    expect((await poll(receiptNumber)).json()).toEqual({ status: 'pending' });

    await decideNow(receiptNumber);

    const answer = await poll(receiptNumber);
    expect(answer.statusCode).toBe(422);
    expect(answer.json()).toEqual({ code: parentRule.code, reason: parentRule.reason });
    expect(await ledger()).toEqual([
      expect.objectContaining({
        outcome: 'rejected',
        status: 202,
        rejection: { code: parentRule.code, reason: parentRule.reason },
      }),
    ]);
  });

  it('refuses malformed input at once, without a case', async () => {
    await setBehaviour({ decision: 'poll' });

    const response = await submit('k-1', { ...registration(), hobby: 'x' });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('answers 404 UNKNOWN_CASE for a receipt it never gave, and after a reset', async () => {
    await setBehaviour({ decision: 'poll', decisionDelayMs: 600_000 });
    const receiptNumber = await accept('k-1');

    const unknown = await poll('RCPT-0000000000');
    await app.inject({ method: 'POST', url: '/admin/reset' });
    const afterReset = await poll(receiptNumber);

    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'UNKNOWN_CASE' });
    expect(afterReset.statusCode).toBe(404);
    expect((await decideNow(receiptNumber)).json()).toMatchObject({ code: 'UNKNOWN_CASE' });
  });

  it('answers polls with the outage too', async () => {
    await setBehaviour({ decision: 'poll', decisionDelayMs: 600_000 });
    const receiptNumber = await accept('k-1');
    await setBehaviour({ outage: { forMs: 60_000 } });

    const response = await poll(receiptNumber);

    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'OUTAGE' });
  });
});

describe('decision by callback', () => {
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await receiver.close();
  });

  it('sends exactly one signed callback with the decided outputs', async () => {
    expect((await setCallbacks({ baseUrl: receiver.url, keys: { police: policeKey } })).statusCode).toBe(204);
    await setBehaviour({ decision: 'callback', decisionDelayMs: 600_000 });
    const receiptNumber = await accept('k-1');
    expect(await accept('k-1')).toBe(receiptNumber);

    await decideNow(receiptNumber);
    await decideNow(receiptNumber);
    const [callback] = await receiver.arrived(1);
    // Closing waits for deliveries under way, so nothing more can arrive after it.
    await app.close();

    expect(receiver.received).toHaveLength(1);
    expect(callback).toMatchObject({ method: 'POST', url: '/v1/departments/police/callbacks' });
    const verified = verifyRequest(new Map([[policeKey.keyId, policeKey.secret]]), {
      method: 'POST',
      path: callback?.url ?? '',
      body: callback?.body ?? '',
      headers: callback?.headers ?? {},
    });
    expect(verified).toEqual({ ok: true, keyId: policeKey.keyId });
    const body = JSON.parse(callback?.body ?? '{}') as CallbackBody;
    expect(body).toEqual({
      callbackId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      idempotencyKey: 'k-1',
      receiptNumber,
      outcome: 'completed',
      outputs: expect.any(Object),
    });
    expect(outputSchema?.safeParse(body.outputs).success).toBe(true);
  });

  it('retries a callback Onething failed, with the same callback id, and reports a rejection', async () => {
    receiver.statuses.push(500);
    await setCallbacks({ baseUrl: receiver.url, keys: { police: policeKey } });
    await setBehaviour({ decision: 'callback', decisionDelayMs: 600_000, reject: parentRule });
    const receiptNumber = await accept('k-1');

    await decideNow(receiptNumber);
    const [first, second] = await receiver.arrived(2);
    await app.close();

    expect(receiver.received).toHaveLength(2);
    const bodies = [first, second].map((c) => JSON.parse(c?.body ?? '{}') as CallbackBody);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[0]).toEqual({
      callbackId: expect.any(String),
      idempotencyKey: 'k-1',
      receiptNumber,
      outcome: 'rejected',
      reasonCode: parentRule.code,
      reason: parentRule.reason,
    });
  });

  it('records each attempt in the request log', async () => {
    receiver.statuses.push(503);
    await setCallbacks({ baseUrl: receiver.url, keys: { police: policeKey } });
    await setBehaviour({ decision: 'callback', decisionDelayMs: 600_000 });
    await decideNow(await accept('k-1'));

    await vi.waitUntil(async () => (await requests()).length === 3, { timeout: 2_000, interval: 5 });

    expect((await requests()).map(({ kind, status, attempt }) => ({ kind, status, attempt }))).toEqual([
      { kind: 'submit', status: 202, attempt: undefined },
      { kind: 'callback', status: 503, attempt: 1 },
      { kind: 'callback', status: 200, attempt: 2 },
    ]);
  });

  it('logs an attempt without configuration as failed, and stops retrying on close', async () => {
    await setBehaviour({ decision: 'callback', decisionDelayMs: 600_000 });
    await decideNow(await accept('k-1'));
    await vi.waitUntil(async () => (await requests()).some((r) => r.kind === 'callback'), { interval: 5 });

    expect((await requests()).filter((r) => r.kind === 'callback')).toEqual([
      expect.objectContaining({ status: 0, attempt: 1, error: 'no callback URL or key for police' }),
    ]);
    // Retries would go on for six seconds, past the test's timeout, if closing waited for them.
    await app.close();
    expect(receiver.received).toEqual([]);
  });

  it('takes its configuration from startSimulator', async () => {
    const simulator = await startSimulator({
      callbacks: { baseUrl: receiver.url, keys: { police: policeKey } },
    });
    try {
      const base = `${simulator.url}/admin/services/police/birth-registration`;
      await fetch(base, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'callback' }),
      });
      const accepted = await fetch(`${simulator.url}/departments/police/services/birth-registration`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'k-1' },
        body: JSON.stringify(registration()),
      });
      expect(accepted.status).toBe(202);

      // decisionDelayMs 0: decided right after the 202, and reported by callback.
      const [callback] = await receiver.arrived(1);
      expect(JSON.parse(callback?.body ?? '{}')).toMatchObject({
        idempotencyKey: 'k-1',
        outcome: 'completed',
      });
    } finally {
      await simulator.close();
    }
  });

  it.each([
    ['an unknown department', { baseUrl: 'http://127.0.0.1:1', keys: { mars: policeKey } }],
    ['a base URL that is not a URL', { baseUrl: 'onething', keys: {} }],
    ['a key without a secret', { baseUrl: 'http://127.0.0.1:1', keys: { police: { keyId: 'k' } } }],
    ['an unknown field', { baseUrl: 'http://127.0.0.1:1', keys: {}, retries: 3 }],
  ])('refuses a configuration with %s', async (_name, config) => {
    const response = await setCallbacks(config);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  received: Received[];
  /** Statuses to answer, in order; 200 once they run out. */
  statuses: number[];
  /** Resolves with the first `count` requests once they have arrived. */
  arrived(count: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** Onething's callback endpoint as a plain HTTP server, recording what it receives. */
async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const statuses: number[] = [];
  let wake: () => void = () => undefined;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      });
      response.statusCode = statuses.shift() ?? 200;
      response.end();
      wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    statuses,
    async arrived(count) {
      while (received.length < count) await new Promise<void>((resolve) => (wake = resolve));
      return received.slice(0, count);
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { signRequest, type SigningKey } from '../../departments/signing.js';
import type { LedgerEntry, RequestRecord } from '../../departments/simulator/ledger.js';
import { buildSimulator, simulatorCodes } from '../../departments/simulator/server.js';
import { citizenIdCheckDigit } from '../../schemas/fields.js';

const registration = {
  certificateNumber: 'Y12345678901',
  babyName: '王小明',
  babySex: 'female',
  birthDate: '2024-03-05',
  ethnicity: '汉族',
  householdParentIdNumber: `33010619880202001${citizenIdCheckDigit('33010619880202001')}`,
  marriageCertificateNumber: 'J330106-2020-001234',
};

const policeKey: SigningKey = { keyId: 'police-2024', secret: 'police-shared-secret' };
const taxKey: SigningKey = { keyId: 'tax-2024', secret: 'tax-shared-secret' };
const keys = { police: policeKey, tax: taxKey };
const baseUrl = 'http://127.0.0.1:9/onething';

const servicePath = '/departments/police/services/birth-registration';
const undoPath = '/departments/tax/services/resident-contribution/compensations';

let app: FastifyInstance;

afterEach(async () => {
  await app.close();
});

/** A simulator whose departments check Onething's request signatures. */
function verifying(): FastifyInstance {
  return buildSimulator({ callbacks: { baseUrl, keys, verifyRequests: true } });
}

interface Signing {
  key: SigningKey;
  /** What the signature claims the body was, when not the body sent. */
  signedBody?: string;
  now?: Date;
}

/** A department request as Onething's HTTP adapter makes it, signed over the path without query. */
function send(
  method: 'GET' | 'POST',
  url: string,
  options: { key?: string; body?: string; signing?: Signing } = {},
) {
  const { body, signing } = options;
  const path = url.split('?', 1)[0] ?? url;
  const signature =
    signing === undefined
      ? {}
      : signRequest(
          signing.key,
          { method, path, body: signing.signedBody ?? body ?? '' },
          signing.now ?? new Date(),
        );
  return app.inject({
    method,
    url,
    headers: {
      'idempotency-key': options.key ?? 'k-1',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...signature,
    },
    ...(body === undefined ? {} : { payload: body }),
  });
}

const submit = (signing?: Signing, body = JSON.stringify(registration), key = 'k-1') =>
  send('POST', servicePath, { key, body, ...(signing && { signing }) });

async function ledger(): Promise<LedgerEntry[]> {
  return (await app.inject({ method: 'GET', url: '/admin/ledger' })).json<{ entries: LedgerEntry[] }>()
    .entries;
}

async function requests(): Promise<RequestRecord[]> {
  return (await app.inject({ method: 'GET', url: '/admin/requests' })).json<{ requests: RequestRecord[] }>()
    .requests;
}

function setBehaviour(behaviour: object) {
  return app.inject({ method: 'PUT', url: '/admin/services/police/birth-registration', payload: behaviour });
}

describe('a simulator verifying request signatures', () => {
  it('refuses an unsigned call with 401, deciding nothing but logging the request', async () => {
    app = verifying();

    const response = await submit();

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ code: simulatorCodes.signatureInvalid, reason: 'missing' });
    expect(await ledger()).toEqual([]);
    expect(await requests()).toEqual([
      expect.objectContaining({ department: 'police', kind: 'submit', idempotencyKey: 'k-1', status: 401 }),
    ]);
  });

  it('decides a call signed with the department key', async () => {
    app = verifying();

    const response = await submit({ key: policeKey });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ receiptNumber: expect.any(String) });
    expect(await ledger()).toEqual([expect.objectContaining({ idempotencyKey: 'k-1', outcome: 'done' })]);
  });

  it('verifies the body exactly as sent, and the path without its query', async () => {
    app = verifying();
    // Not the form a re-serialisation of the parsed body would give.
    const spaced = JSON.stringify(registration, null, 2);

    const response = await send('POST', `${servicePath}?trace=1`, {
      body: spaced,
      signing: { key: policeKey },
    });

    expect(response.statusCode).toBe(200);
  });

  it.each([
    ['a wrong secret', { key: { ...policeKey, secret: 'not-the-secret' } }, 'bad-signature'],
    ['another key id', { key: { keyId: 'police-2019', secret: policeKey.secret } }, 'unknown-key'],
    ['a timestamp past the tolerance', { key: policeKey, now: new Date(Date.now() - 600_000) }, 'stale'],
    ['another body', { key: policeKey, signedBody: JSON.stringify({}) }, 'bad-signature'],
    ['another department key', { key: taxKey }, 'unknown-key'],
  ])('refuses a call signed with %s', async (_case, signing: Signing, reason) => {
    app = verifying();

    const response = await submit(signing);

    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ code: simulatorCodes.signatureInvalid, reason });
    expect(await ledger()).toEqual([]);
  });

  it('refuses before any behaviour: an injected failure is left for the next signed call', async () => {
    app = verifying();
    await setBehaviour({ failNext: 1 });

    expect((await submit()).statusCode).toBe(401);
    expect((await submit({ key: policeKey })).statusCode).toBe(503);
    expect((await submit({ key: policeKey })).statusCode).toBe(200);
  });

  it('verifies polls', async () => {
    app = verifying();
    await setBehaviour({ decision: 'poll', decisionDelayMs: 600_000 });
    const accepted = await submit({ key: policeKey });
    expect(accepted.statusCode).toBe(202);
    const casePath = `${servicePath}/cases/${accepted.json<{ receiptNumber: string }>().receiptNumber}`;

    const unsigned = await send('GET', casePath);
    const signed = await send('GET', casePath, { signing: { key: policeKey } });

    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json()).toEqual({ code: simulatorCodes.signatureInvalid, reason: 'missing' });
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toEqual({ status: 'pending' });
    expect((await requests()).filter((r) => r.kind === 'poll').map((r) => r.status)).toEqual([401, 200]);
  });

  it('verifies undos', async () => {
    app = verifying();
    const body = JSON.stringify({ receiptNumber: null, outputs: {} });

    const unsigned = await send('POST', undoPath, { body });
    const wrong = await send('POST', undoPath, { body, signing: { key: policeKey } });
    const signed = await send('POST', undoPath, { body, signing: { key: taxKey } });

    expect(unsigned.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ code: simulatorCodes.signatureInvalid, reason: 'unknown-key' });
    expect(signed.statusCode).toBe(200);
    expect(signed.json()).toEqual({ status: 'compensated' });
    expect((await requests()).filter((r) => r.kind === 'undo').map((r) => r.status)).toEqual([401, 401, 200]);
  });

  it('leaves a department without a key unchecked', async () => {
    app = buildSimulator({ callbacks: { baseUrl, keys: { tax: taxKey }, verifyRequests: true } });

    expect((await submit()).statusCode).toBe(200);
  });

  it('is switched on and off by PUT /admin/callbacks', async () => {
    app = buildSimulator();
    const configure = (payload: object) => app.inject({ method: 'PUT', url: '/admin/callbacks', payload });

    expect((await configure({ baseUrl, keys, verifyRequests: true })).statusCode).toBe(204);
    expect((await submit(undefined, undefined, 'k-1')).statusCode).toBe(401);
    expect((await configure({ baseUrl, keys })).statusCode).toBe(204);
    expect((await submit(undefined, undefined, 'k-2')).statusCode).toBe(200);
    expect((await configure({ baseUrl, keys, verifyRequests: 'yes' })).statusCode).toBe(400);
  });
});

describe('a simulator not verifying request signatures (the default)', () => {
  it.each([
    ['without callback configuration', () => buildSimulator()],
    ['with keys but verifyRequests off', () => buildSimulator({ callbacks: { baseUrl, keys } })],
  ])('decides unsigned calls, polls and undos %s', async (_case, build) => {
    app = build();
    await setBehaviour({ decision: 'poll', decisionDelayMs: 600_000 });

    const accepted = await submit();
    const polled = await send(
      'GET',
      `${servicePath}/cases/${accepted.json<{ receiptNumber: string }>().receiptNumber}`,
    );
    const undone = await send('POST', undoPath, {
      body: JSON.stringify({ receiptNumber: null, outputs: {} }),
    });

    expect([accepted.statusCode, polled.statusCode, undone.statusCode]).toEqual([202, 200, 200]);
  });

  it('refuses a callback configuration with an option it does not know', async () => {
    app = buildSimulator();

    const response = await app.inject({
      method: 'PUT',
      url: '/admin/callbacks',
      payload: { baseUrl, keys, verify: true },
    });

    expect(response.statusCode).toBe(400);
  });
});

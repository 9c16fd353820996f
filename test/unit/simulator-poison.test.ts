import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../departments/simulator/ledger.js';
import { buildSimulator } from '../../departments/simulator/server.js';
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
const servicePath = '/departments/police/services/birth-registration';

let app: FastifyInstance;
beforeEach(() => {
  app = buildSimulator();
});
afterEach(async () => {
  await app.close();
});

const setBehaviour = (behaviour: object) =>
  app.inject({ method: 'PUT', url: '/admin/services/police/birth-registration', payload: behaviour });
const submit = (key: string) =>
  app.inject({
    method: 'POST',
    url: servicePath,
    headers: { 'idempotency-key': key },
    payload: registration,
  });
const ledger = async () =>
  (await app.inject({ method: 'GET', url: '/admin/ledger' })).json<{ entries: LedgerEntry[] }>().entries;

describe('a 200 that is not JSON (nonJsonAnswer)', () => {
  it('answers calls and polls with an HTML page and no side effect', async () => {
    await setBehaviour({ decision: 'poll' });
    const accepted = (await submit('k-1')).json<{ receiptNumber: string }>();
    await setBehaviour({ decision: 'poll', nonJsonAnswer: true });

    const call = await submit('k-2');
    const poll = await app.inject({
      method: 'GET',
      url: `${servicePath}/cases/${accepted.receiptNumber}`,
      headers: { 'idempotency-key': 'k-1' },
    });

    for (const answer of [call, poll]) {
      expect(answer.statusCode).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^text\/html/);
      expect(() => JSON.parse(answer.body) as unknown).toThrow();
    }
    expect((await ledger()).find((e) => e.idempotencyKey === 'k-2')?.outcome ?? null).toBeNull();
  });
});

describe('answers padded to a size (oversizedAnswer)', () => {
  it('acts as usual and pads the JSON answer to exactly the bytes asked, streamed without a length', async () => {
    await setBehaviour({ oversizedAnswer: { bytes: 3 * 1024 * 1024 } });

    const answer = await submit('k-1');

    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-length']).toBeUndefined();
    expect(answer.rawPayload.byteLength).toBe(3 * 1024 * 1024);
    const body = answer.json<{ outputs: Record<string, unknown>; padding: string }>();
    expect(Object.keys(body.outputs).sort()).toEqual([
      'citizenIdNumber',
      'householdPage',
      'householdPageCertificate',
    ]);
    expect(body.padding).toMatch(/^x+$/);
    expect(await ledger()).toEqual([expect.objectContaining({ idempotencyKey: 'k-1', outcome: 'done' })]);
  });

  it('pads polls too, and leaves an answer already that long as it is', async () => {
    await setBehaviour({ decision: 'poll' });
    const { receiptNumber } = (await submit('k-1')).json<{ receiptNumber: string }>();
    await setBehaviour({ decision: 'poll', oversizedAnswer: { bytes: 100_000 } });
    const poll = await app.inject({
      method: 'GET',
      url: `${servicePath}/cases/${receiptNumber}`,
      headers: { 'idempotency-key': 'k-1' },
    });
    expect(poll.rawPayload.byteLength).toBe(100_000);
    expect(poll.json<{ status: string }>().status).toMatch(/^(pending|decided)$/);

    await setBehaviour({ oversizedAnswer: { bytes: 10 } });
    const small = await submit('k-2');
    expect(small.json()).not.toHaveProperty('padding');
  });

  it('refuses a size past 64 MiB', async () => {
    expect((await setBehaviour({ oversizedAnswer: { bytes: 64 * 1024 * 1024 + 1 } })).statusCode).toBe(400);
  });
});

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

describe('a gateway in front of the department (gatewayError)', () => {
  it('answers the next requests with a bare HTML status and no side effect, then lets them through', async () => {
    expect((await setBehaviour({ gatewayError: { status: 404, next: 2 } })).statusCode).toBe(200);

    const answers = [await submit('k-1'), await submit('k-1'), await submit('k-1')];

    expect(answers.map((a) => a.statusCode)).toEqual([404, 404, 200]);
    expect(answers[0]?.headers['content-type']).toMatch(/^text\/html/);
    expect(answers[0]?.body).toContain('404 Not Found');
    // Nothing of the protocol: no code for the adapter to take for a rejection.
    expect(() => JSON.parse(answers[0]?.body ?? '') as unknown).toThrow();
    const ledger = await app.inject({ method: 'GET', url: '/admin/ledger' });
    expect(ledger.json<{ entries: LedgerEntry[] }>().entries).toEqual([
      expect.objectContaining({ idempotencyKey: 'k-1', requestCount: 3, outcome: 'done' }),
    ]);
    const behaviour = await app.inject({ method: 'GET', url: '/admin/services/police/birth-registration' });
    expect(behaviour.json()).toEqual({ gatewayError: { status: 404, next: 0 } });
  });

  it('answers every request, polls and undos included, while it has no count', async () => {
    await setBehaviour({ gatewayError: { status: 400 } });
    // Police registrations cannot be undone: the undo goes to a service that can.
    await app.inject({
      method: 'PUT',
      url: '/admin/services/medical-insurance/resident-enrolment',
      payload: { gatewayError: { status: 400 } },
    });

    const call = await submit('k-2');
    const poll = await app.inject({ method: 'GET', url: `${servicePath}/cases/RCPT-1` });
    const undo = await app.inject({
      method: 'POST',
      url: '/departments/medical-insurance/services/resident-enrolment/compensations',
      headers: { 'idempotency-key': 'undo:k-2' },
      payload: { receiptNumber: 'RCPT-1', outputs: {} },
    });

    expect([call.statusCode, poll.statusCode, undo.statusCode]).toEqual([400, 400, 400]);
    expect(call.body).toContain('400 Bad Request');
  });

  it.each([
    ['a 5xx status', { status: 503 }],
    ['a 3xx status', { status: 302 }],
    ['a negative count', { status: 404, next: -1 }],
  ])('refuses %s with 400', async (_what, gatewayError) => {
    const response = await setBehaviour({ gatewayError });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});

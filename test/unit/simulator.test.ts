import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { findService } from '../../departments/catalog/index.js';
import type { ServiceDefinition } from '../../departments/definition.js';
import { genericIssuer, issueOutputs, prefixOf } from '../../departments/simulator/issuers.js';
import {
  Ledger,
  RequestLog,
  type LedgerEntry,
  type RequestRecord,
} from '../../departments/simulator/ledger.js';
import { buildSimulator } from '../../departments/simulator/server.js';
import { citizenIdCheckDigit, isCitizenIdNumber, issuedNumber } from '../../schemas/fields.js';

/** A resident ID number with a correct check digit. */
const citizenId = (first17: string): string => `${first17}${citizenIdCheckDigit(first17)}`;
const motherIdNumber = citizenId('33010619900101002');
const fatherIdNumber = citizenId('33010619880202001');

const birthCertificateInput = {
  babyName: '王小明',
  babySex: 'male',
  birthDate: '2024-03-05',
  deliveryRecordNumber: 'DR-2024-0001',
  motherName: '李芳',
  motherIdNumber,
  fatherName: '王强',
  fatherIdNumber,
};

const birthRegistrationInput = (babySex: 'female' | 'male') => ({
  certificateNumber: 'Y12345678901',
  babyName: '王小明',
  babySex,
  birthDate: '2024-03-05',
  ethnicity: '汉族',
  householdParentIdNumber: fatherIdNumber,
  marriageCertificateNumber: 'J330106-2020-001234',
});

let app: FastifyInstance;

beforeEach(() => {
  app = buildSimulator();
});

afterEach(async () => {
  vi.useRealTimers();
  await app.close();
});

function call(department: string, service: string, key: string | undefined, body: unknown, on = app) {
  return on.inject({
    method: 'POST',
    url: `/departments/${department}/services/${service}`,
    headers: key === undefined ? {} : { 'idempotency-key': key },
    payload: body as object,
  });
}

async function ledger(query = '', on = app): Promise<LedgerEntry[]> {
  const response = await on.inject({ method: 'GET', url: `/admin/ledger${query}` });
  expect(response.statusCode).toBe(200);
  return response.json<{ entries: LedgerEntry[] }>().entries;
}

async function requests(query = ''): Promise<RequestRecord[]> {
  const response = await app.inject({ method: 'GET', url: `/admin/requests${query}` });
  expect(response.statusCode).toBe(200);
  return response.json<{ requests: RequestRecord[] }>().requests;
}

function setBehaviour(department: string, service: string, behaviour: unknown) {
  return app.inject({
    method: 'PUT',
    url: `/admin/services/${department}/${service}`,
    payload: behaviour as object,
  });
}

describe('department protocol', () => {
  it('issues valid outputs instantly and records exactly the input received', async () => {
    const response = await call('health', 'birth-certificate', 'k-1', birthCertificateInput);

    expect(response.statusCode).toBe(200);
    const body = response.json<{ receiptNumber: string; outputs: { certificateNumber: string } }>();
    expect(body.receiptNumber).toMatch(/^RCPT-[0-9A-F]{10}$/);
    expect(body.outputs.certificateNumber).toMatch(/^Y\d{11}$/);
    expect(findService('health', 'birth-certificate')?.output.safeParse(body.outputs).success).toBe(true);
    const [entry, ...others] = await ledger();
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      department: 'health',
      service: 'birth-certificate',
      idempotencyKey: 'k-1',
      requestCount: 1,
      outcome: 'done',
      status: 200,
      input: birthCertificateInput,
      outputs: body.outputs,
    });
  });

  it('replays the stored response for a repeated key without a second side effect', async () => {
    const first = await call('health', 'birth-certificate', 'k-1', birthCertificateInput);
    const second = await call('health', 'birth-certificate', 'k-1', birthCertificateInput);
    const other = await call('health', 'birth-certificate', 'k-2', birthCertificateInput);

    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(other.json()).not.toEqual(first.json());
    const entries = await ledger('?keyPrefix=k-1');
    expect(entries).toHaveLength(1);
    expect(entries[0]?.requestCount).toBe(2);
  });

  it('gives the same outputs for the same key on a fresh simulator', async () => {
    const other = buildSimulator();
    try {
      const here = await call('cdc', 'vaccination-certificate', 'same', vaccinationInput());
      const there = await call('cdc', 'vaccination-certificate', 'same', vaccinationInput(), other);
      expect(there.json()).toEqual(here.json());
      // State is per instance: the other simulator's ledger knows only its own request.
      expect(await ledger('', other)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });

  it('answers failNext requests with 503 and no decision, then decides once', async () => {
    expect((await setBehaviour('police', 'birth-registration', { failNext: 3 })).statusCode).toBe(200);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const response = await call('police', 'birth-registration', 'k-1', birthRegistrationInput('female'));
      statuses.push(response.statusCode);
      if (response.statusCode === 503) expect(response.json()).toMatchObject({ code: 'UNAVAILABLE' });
    }

    expect(statuses).toEqual([503, 503, 503, 200]);
    const entries = await ledger();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ requestCount: 4, outcome: 'done', status: 200 });
    expect((await requests()).map((r) => r.status)).toEqual([503, 503, 503, 200]);
    const behaviour = await app.inject({ method: 'GET', url: '/admin/services/police/birth-registration' });
    expect(behaviour.json()).toEqual({ failNext: 0 });
  });

  it('keeps a key undecided while it only got 503s', async () => {
    await setBehaviour('tax', 'resident-contribution', { failureRate: 1 });
    const response = await call('tax', 'resident-contribution', 'k-1', {
      citizenIdNumber: motherIdNumber,
      enrolmentNumber: 'ENROLMENT-1',
    });

    expect(response.statusCode).toBe(503);
    expect(await ledger()).toEqual([
      expect.objectContaining({ requestCount: 1, outcome: null, status: null, input: null }),
    ]);
  });

  it('rejects only the input matching the rule, and replays the rejection', async () => {
    const rule = { code: 'DUPLICATE_BIRTH', reason: '已登记', when: { field: 'babySex', equals: 'male' } };
    await setBehaviour('police', 'birth-registration', { reject: rule });

    const male = await call('police', 'birth-registration', 'k-male', birthRegistrationInput('male'));
    const female = await call('police', 'birth-registration', 'k-female', birthRegistrationInput('female'));
    await app.inject({ method: 'DELETE', url: '/admin/services/police/birth-registration' });
    const replay = await call('police', 'birth-registration', 'k-male', birthRegistrationInput('male'));

    expect(male.statusCode).toBe(422);
    expect(male.json()).toEqual({ code: 'DUPLICATE_BIRTH', reason: '已登记' });
    expect(female.statusCode).toBe(200);
    expect(replay.statusCode).toBe(422);
    const [entry] = await ledger('?keyPrefix=k-male');
    expect(entry).toMatchObject({
      outcome: 'rejected',
      requestCount: 2,
      rejection: { code: 'DUPLICATE_BIRTH' },
    });
  });

  it('refuses an unknown field as INVALID_INPUT naming the field', async () => {
    const response = await call('health', 'birth-certificate', 'k-1', {
      ...birthCertificateInput,
      hobby: 'x',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ code: 'INVALID_INPUT', reason: 'hobby: unknown field' });
  });

  it('refuses a bad ID number and keeps that decision for the key', async () => {
    const badId = `${motherIdNumber.slice(0, 17)}${motherIdNumber.endsWith('0') ? '1' : '0'}`;
    const response = await call('health', 'birth-certificate', 'k-1', {
      ...birthCertificateInput,
      motherIdNumber: badId,
    });
    const retried = await call('health', 'birth-certificate', 'k-1', birthCertificateInput);

    expect(response.statusCode).toBe(400);
    const body = response.json<{ code: string; reason: string }>();
    expect(body.code).toBe('INVALID_INPUT');
    expect(body.reason).toContain('motherIdNumber');
    expect(retried.statusCode).toBe(400);
    expect(await ledger()).toEqual([
      expect.objectContaining({
        outcome: 'invalid',
        requestCount: 2,
        input: expect.objectContaining({ motherIdNumber: badId }),
      }),
    ]);
  });

  it('refuses an empty body as INVALID_INPUT', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/departments/tax/services/resident-contribution',
      headers: { 'idempotency-key': 'k-1', 'content-type': 'application/json' },
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('issues a citizen ID whose date, check digit and sex digit agree with the input', async () => {
    for (const [sex, parity] of [
      ['male', 1],
      ['female', 0],
    ] as const) {
      for (let i = 0; i < 5; i += 1) {
        const response = await call(
          'police',
          'birth-registration',
          `${sex}-${i}`,
          birthRegistrationInput(sex),
        );
        const { citizenIdNumber, householdPage } = response.json<{ outputs: Record<string, string> }>()
          .outputs;
        expect(isCitizenIdNumber(citizenIdNumber ?? '')).toBe(true);
        expect(citizenIdNumber?.slice(0, 14)).toBe('33010620240305');
        expect(Number(citizenIdNumber?.[16]) % 2).toBe(parity);
        expect(householdPage).toMatch(/^HB-[0-9A-F]{8}$/);
      }
    }
  });

  it('answers 404 UNKNOWN_SERVICE for a department or service not in the catalogue', async () => {
    const unknownDepartment = await call('mars', 'birth-certificate', 'k-1', {});
    const unknownService = await call('health', 'teleport', 'k-1', {});

    expect(unknownDepartment.statusCode).toBe(404);
    expect(unknownDepartment.json()).toMatchObject({ code: 'UNKNOWN_SERVICE' });
    expect(unknownService.statusCode).toBe(404);
    expect(await ledger()).toEqual([]);
    expect((await requests()).map((r) => r.status)).toEqual([404, 404]);
  });

  it('requires the Idempotency-Key header', async () => {
    const response = await call('health', 'birth-certificate', undefined, birthCertificateInput);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REQUIRED' });
    expect(await ledger()).toEqual([]);
  });

  it('answers malformed JSON with a { code, reason } body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/departments/health/services/birth-certificate',
      headers: { 'idempotency-key': 'k-1', 'content-type': 'application/json' },
      payload: '{"babyName":',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'MALFORMED_JSON' });
  });
});

describe('latency', () => {
  it('holds the answer for latencyMs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await setBehaviour('health', 'birth-certificate', { latencyMs: 5_000 });
    let settled = false;
    const pending = call('health', 'birth-certificate', 'k-1', birthCertificateInput).then((response) => {
      settled = true;
      return response;
    });
    // Let the request reach its latency wait; vi.waitUntil would advance the fake clock itself.
    while (vi.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));

    await vi.advanceTimersByTimeAsync(4_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).statusCode).toBe(200);
  });

  it('answers 503 to a request waiting on latency when the simulator closes', async () => {
    await setBehaviour('health', 'birth-certificate', { latencyMs: 600_000 });
    const pending = call('health', 'birth-certificate', 'k-1', birthCertificateInput);
    await vi.waitUntil(async () => (await ledger()).length > 0, { interval: 1 });

    await app.close();

    const response = await pending;
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('admin', () => {
  it('stores, returns and clears a behaviour', async () => {
    const behaviour = { latencyMs: 250, failureRate: 0.5, reject: { code: 'NO', reason: 'no' } };
    const put = await setBehaviour('cdc', 'vaccination-certificate', behaviour);
    const got = await app.inject({ method: 'GET', url: '/admin/services/cdc/vaccination-certificate' });
    const deleted = await app.inject({
      method: 'DELETE',
      url: '/admin/services/cdc/vaccination-certificate',
    });
    const after = await app.inject({ method: 'GET', url: '/admin/services/cdc/vaccination-certificate' });

    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual(behaviour);
    expect(got.json()).toEqual(behaviour);
    expect(deleted.statusCode).toBe(204);
    expect(after.json()).toEqual({});
  });

  it.each([
    ['a failure rate above 1', { failureRate: 1.5 }],
    ['a negative latency', { latencyMs: -1 }],
    ['a fractional failNext', { failNext: 1.5 }],
    ['an unknown field', { latency: 10 }],
    ['a rule without a reason', { reject: { code: 'NO' } }],
  ])('refuses %s with 400', async (_name, body) => {
    const response = await setBehaviour('cdc', 'vaccination-certificate', body);

    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'VALIDATION_FAILED', reason: expect.any(String) });
  });

  it('answers 404 for the behaviour of an unknown service', async () => {
    const response = await setBehaviour('cdc', 'teleport', {});

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'UNKNOWN_SERVICE' });
  });

  it('filters the ledger by department, service and key prefix', async () => {
    await call('cdc', 'vaccination-certificate', 'run-a-1', vaccinationInput());
    await call('cdc', 'vaccination-certificate', 'run-b-1', vaccinationInput());
    await call('health', 'birth-certificate', 'run-a-2', birthCertificateInput);

    expect((await ledger('?keyPrefix=run-a')).map((e) => e.idempotencyKey)).toEqual(['run-a-1', 'run-a-2']);
    expect((await ledger('?department=cdc')).map((e) => e.idempotencyKey)).toEqual(['run-a-1', 'run-b-1']);
    expect(await ledger('?service=birth-certificate')).toHaveLength(1);
    expect((await requests('?keyPrefix=run-b')).map((r) => r.idempotencyKey)).toEqual(['run-b-1']);
    expect((await app.inject({ method: 'GET', url: '/admin/ledger?colour=red' })).statusCode).toBe(400);
  });

  it('reset clears the ledger, the request log and every behaviour', async () => {
    await setBehaviour('cdc', 'vaccination-certificate', { failNext: 1 });
    await call('cdc', 'vaccination-certificate', 'k-1', vaccinationInput());

    const reset = await app.inject({ method: 'POST', url: '/admin/reset' });

    expect(reset.statusCode).toBe(204);
    expect(await ledger()).toEqual([]);
    expect(await requests()).toEqual([]);
    const behaviour = await app.inject({ method: 'GET', url: '/admin/services/cdc/vaccination-certificate' });
    expect(behaviour.json()).toEqual({});
    expect((await call('cdc', 'vaccination-certificate', 'k-1', vaccinationInput())).statusCode).toBe(200);
  });

  it('reports health', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });

    expect(response.json()).toEqual({ status: 'ok' });
  });
});

describe('issuers', () => {
  it('derive a prefix from the field name', () => {
    expect(prefixOf('enrolmentNumber')).toBe('ENROLMENT');
    expect(prefixOf('vaccinationRecordId')).toBe('VACCINATION-RECORD');
    expect(prefixOf('number')).toBe('NUMBER');
  });

  it('serve a service the catalogue does not know yet', () => {
    const definition: ServiceDefinition = {
      id: 'pension-claim',
      title: { zh: '养老金', en: 'Pension' },
      input: z.object({}),
      output: z.object({ claimNumber: issuedNumber, caseId: issuedNumber }),
    };
    const ref = { department: 'pensions', service: 'pension-claim', idempotencyKey: 'k-1' };

    const outputs = issueOutputs(ref, definition, {});

    expect(outputs['claimNumber']).toMatch(/^CLAIM-[0-9A-F]{10}$/);
    expect(outputs['caseId']).toMatch(/^CASE-[0-9A-F]{10}$/);
    // Each field draws its own digits, so two numbers of one call never look alike.
    expect(String(outputs['claimNumber']).slice(-10)).not.toBe(String(outputs['caseId']).slice(-10));
    expect(issueOutputs(ref, definition, {})).toEqual(outputs);
    expect(genericIssuer({}, 'other-seed', definition)).not.toEqual(outputs);
  });
});

describe('bounds', () => {
  it('drop the oldest ledger entries past the limit', () => {
    const book = new Ledger(2);
    for (const key of ['a', 'b', 'c'])
      book.touch({ department: 'd', service: 's', idempotencyKey: key }, new Date());

    expect(book.list().map((e) => e.idempotencyKey)).toEqual(['b', 'c']);
  });

  it('drop the oldest requests past the limit, keeping order', () => {
    const log = new RequestLog(3);
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      log.add({ department: 'd', service: 's', idempotencyKey: key, kind: 'submit', status: 200, at: '' });
    }

    expect(log.list().map((r) => r.idempotencyKey)).toEqual(['c', 'd', 'e']);
  });
});

function vaccinationInput() {
  return {
    babyName: '王小明',
    babySex: 'male',
    birthDate: '2024-03-05',
    guardianName: '李芳',
    guardianPhone: '13800138000',
  };
}

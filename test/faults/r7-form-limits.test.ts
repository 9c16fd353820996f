import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpResult, TestRole } from '../support/stack.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { recordFaultResult } from './results.js';

// R7, forms at every limit: a body at the API's size limit and one byte over, each bounded field of
// the newborn form at its longest and one character longer, JSON nested deeper and with more keys
// than any form has. Every answer is a clear 4xx problem or an accepted application, never a 500,
// and the API goes on serving.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** `api/app.ts`'s bodyLimit. */
const bodyLimit = 256 * 1024;

/** Every answer the API gave in this file, by status: the report's figures and the no-500 check. */
const statuses = new Map<number, number>();
async function send(
  path: string,
  body: string | object,
  headers: Record<string, string>,
  as: TestRole | null,
): Promise<HttpResult<Problem>> {
  const result = await stack.request<Problem>('POST', path, body, headers, as);
  statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
  return result;
}
const post = (body: string | object, key: string = randomUUID()) =>
  send('/v1/applications', body, { 'idempotency-key': key }, 'portal');

interface Problem {
  id?: string;
  code?: string;
  errors?: Array<{ path: string; message: string }>;
}

const isProblem = (result: HttpResult<Problem>, status: number, code: string) =>
  result.status === status &&
  result.contentType.startsWith('application/problem+json') &&
  result.body.code === code;

/** The newborn example as JSON padded with trailing whitespace (still valid JSON) to `bytes` bytes. */
function paddedTo(bytes: number): string {
  const text = JSON.stringify(newbornRequest());
  return text + ' '.repeat(bytes - Buffer.byteLength(text));
}

/** Each bounded field and its longest value: names 50, ethnicity 20, issued numbers 64, addresses 200. */
const limits = {
  'applicant.name': 50,
  'form.baby.name': 50,
  'form.baby.ethnicity': 20,
  'form.baby.deliveryRecordNumber': 64,
  'form.mother.name': 50,
  'form.father.name': 50,
  'form.marriageCertificateNumber': 64,
  'form.insuranceAddress': 200,
  'form.mailingAddress': 200,
} as const;

/** A request with every bounded field `extra` characters past (or, negative, short of) its limit. */
function atLimits(extra: number) {
  const request = newbornRequest();
  const set = (path: string, value: string) => {
    const keys = path.split('.');
    let target = request as unknown as Record<string, Record<string, unknown>>;
    for (const key of keys.slice(0, -1)) target = target[key] as Record<string, Record<string, unknown>>;
    (target as Record<string, unknown>)[keys.at(-1) ?? ''] = value;
  };
  const unitOf = (path: string) => (path.endsWith('Number') ? 'N' : path.endsWith('Address') ? '路' : '王');
  for (const [path, limit] of Object.entries(limits)) set(path, unitOf(path).repeat(limit + extra));
  return request;
}

/** `depth` arrays inside each other, as JSON text: 2 bytes a level. */
const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** `depth` objects inside each other under the key `a`, as JSON text: 6 bytes a level. */
const nestedObjects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
/** An object of `count` keys, as JSON text. */
const manyKeys = (count: number) => `{${Array.from({ length: count }, (_, i) => `"k${i}":0`).join(',')}}`;

/** The newborn example with `value` (JSON text) spliced in as `form.extra`, or as the whole `form`. */
function withRaw(where: 'form' | 'form.extra' | 'applicant', value: string): string {
  const { bundleId, applicant, form } = newbornRequest();
  if (where === 'form')
    return `{"bundleId":"${bundleId}","applicant":${JSON.stringify(applicant)},"form":${value}}`;
  if (where === 'applicant')
    return `{"bundleId":"${bundleId}","applicant":${value},"form":${JSON.stringify(form)}}`;
  return `{"bundleId":"${bundleId}","applicant":${JSON.stringify(applicant)},"form":${JSON.stringify(form).slice(0, -1)},"extra":${value}}}`;
}

describe('R7: forms at every size limit', () => {
  it('accepts a body of exactly the limit and refuses one byte more with 413', async () => {
    const atLimit = await post(paddedTo(bodyLimit));
    const over = await post(paddedTo(bodyLimit + 1));
    const huge = await post(paddedTo(20 * 1024 * 1024));

    const invariants = {
      atLimitAccepted: atLimit.status === 201,
      overRefused: isProblem(over, 413, 'PAYLOAD_TOO_LARGE'),
      twentyMegabytesRefused: isProblem(huge, 413, 'PAYLOAD_TOO_LARGE'),
    };
    await recordFaultResult({
      id: 'R7',
      scenario: 'request body at the 256 KiB limit, one byte over, and 20 MB',
      figures: {
        bodyLimitBytes: bodyLimit,
        atLimit: atLimit.status,
        overByOne: over.status,
        twentyMB: huge.status,
      },
      invariants,
    });
    expect(invariants).toEqual({ atLimitAccepted: true, overRefused: true, twentyMegabytesRefused: true });
  });

  it('accepts every bounded field at its longest and completes; one character more is named in a 400', async () => {
    const longest = await post(atLimits(0));
    const tooLong = await post(atLimits(1));
    const keyAtLimit = await post(newbornRequest(), 'k'.repeat(200));
    const keyOver = await post(newbornRequest(), 'k'.repeat(201));
    const done = longest.body.id ? await stack.waitForApplication(longest.body.id, ended) : undefined;

    const named = new Set(tooLong.body.errors?.map((e) => e.path));
    const invariants = {
      longestCompleted: longest.status === 201 && done?.status === 'completed',
      everyLongerFieldNamed:
        isProblem(tooLong, 400, 'VALIDATION_FAILED') && Object.keys(limits).every((path) => named.has(path)),
      keyAtLimitAccepted: keyAtLimit.status === 201,
      keyOverRefused: isProblem(keyOver, 400, 'IDEMPOTENCY_KEY_REQUIRED'),
    };
    await recordFaultResult({
      id: 'R7',
      scenario: 'each bounded form field (9) and the Idempotency-Key at their longest, and one longer',
      figures: { boundedFields: Object.keys(limits).length, fieldsNamedWhenLonger: named.size },
      invariants,
    });
    expect(invariants).toEqual({
      longestCompleted: true,
      everyLongerFieldNamed: true,
      keyAtLimitAccepted: true,
      keyOverRefused: true,
    });
  });

  it('answers JSON nested deeper, or with more keys, than any form with a 4xx, never a 500', async () => {
    // Each body stays under the size limit, so it is parsed and reaches the API's own code.
    const bodies: Record<string, string> = {
      'arrays nested 100,000 deep as a form field': withRaw('form.extra', nestedArrays(100_000)),
      'objects nested 40,000 deep as the form': withRaw('form', nestedObjects(40_000)),
      'objects nested 40,000 deep as the applicant': withRaw('applicant', nestedObjects(40_000)),
      'a form of 20,000 keys': withRaw('form', manyKeys(20_000)),
      'a form field of 20,000 keys': withRaw('form.extra', manyKeys(20_000)),
    };
    const answers = new Map<string, HttpResult<Problem>>();
    for (const [what, body] of Object.entries(bodies)) {
      expect(Buffer.byteLength(body), what).toBeLessThanOrEqual(bodyLimit);
      answers.set(what, await post(body));
    }
    // Routes with a parser of their own (signed callbacks) or another caller (operators) alike.
    const elsewhere = {
      'a callback of arrays nested 100,000 deep': await send(
        '/v1/departments/police/callbacks',
        nestedArrays(100_000),
        {},
        null,
      ),
      'an operator bulk action with a filter nested 40,000 deep': await send(
        '/v1/ops/bulk-actions',
        `{"action":"retry","reason":"deep","filter":${nestedObjects(40_000)}}`,
        {},
        'operator',
      ),
    };
    for (const [what, answer] of Object.entries(elsewhere)) answers.set(what, answer);
    const stillServes = await post(newbornRequest());
    const done = stillServes.body.id ? await stack.waitForApplication(stillServes.body.id, ended) : undefined;

    const clear = [...answers.values()].every(
      (a) => a.status >= 400 && a.status < 500 && a.contentType.startsWith('application/problem+json'),
    );
    const invariants = { clear4xx: clear, stillServes: done?.status === 'completed' };
    await recordFaultResult({
      id: 'R7',
      scenario: 'hostile JSON shapes under the size limit: deep nesting, many keys',
      figures: Object.fromEntries(
        [...answers].map(([what, a]) => [what, `${a.status} ${a.body.code ?? ''}`]),
      ),
      invariants,
    });
    expect(Object.fromEntries([...answers].map(([what, a]) => [what, a.status]))).toEqual(
      Object.fromEntries([...Object.keys(bodies), ...Object.keys(elsewhere)].map((what) => [what, 400])),
    );
    expect(invariants).toEqual({ clear4xx: true, stillServes: true });
  });

  it('gave no 500 to any request of this file', async () => {
    await recordFaultResult({
      id: 'R7',
      scenario: 'forms at every size limit: every answer',
      figures: Object.fromEntries([...statuses].map(([status, n]) => [`status${status}`, n])),
      invariants: { no500: ![...statuses.keys()].some((s) => s >= 500) },
    });
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  });
});

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack, testTemporalUiOrigin } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Payload = temporal.api.common.v1.IPayload;
type Failure = temporal.api.failure.v1.IFailure;

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Every event of an application's workflow, read from the server as it stores them: no codec. */
async function rawHistory(applicationId: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await stack.client.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: applicationWorkflowId(applicationId) },
      ...(nextPageToken ? { nextPageToken } : {}),
    });
    events.push(...(page.history?.events ?? []));
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
  return events;
}

/** Every string in the history, bytes read as UTF-8: what someone with the server's database could read. */
function textOf(value: unknown, out: string[] = [], seen = new Set<object>()): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(String(value));
  else if (value && typeof value === 'object' && !seen.has(value)) {
    seen.add(value);
    for (const v of Object.values(value)) textOf(v, out, seen);
  }
  return out;
}

/** Every payload in the history with where it is, e.g. `workflowExecutionStartedEventAttributes.input.payloads.0`. */
function payloadsOf(value: unknown, path = '', out: Array<{ path: string; payload: Payload }> = []) {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return out;
  const record = value as Record<string, unknown>;
  const metadata = record.metadata as Record<string, unknown> | undefined;
  if (metadata && typeof metadata === 'object' && metadata.encoding instanceof Uint8Array) {
    out.push({ path, payload: value });
    return out;
  }
  for (const [key, v] of Object.entries(record)) payloadsOf(v, path ? `${path}.${key}` : key, out);
  return out;
}

/** Every failure in the history (an activity's, a workflow's, the last one before a retry), with its causes. */
function failuresOf(events: HistoryEvent[]): Failure[] {
  const failures: Failure[] = [];
  for (const event of events) {
    for (const [key, attributes] of Object.entries(event)) {
      if (!key.endsWith('EventAttributes') || !attributes || typeof attributes !== 'object') continue;
      const { failure, lastFailure } = attributes as {
        failure?: Failure | null;
        lastFailure?: Failure | null;
      };
      for (let f = failure ?? lastFailure; f; f = f.cause) failures.push(f);
    }
  }
  return failures;
}

const encodingOf = (payload: Payload) => Buffer.from(payload.metadata?.encoding ?? []).toString('utf8');
const toJson = (payload: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});

/** The personal data of the newborn example: none of it may reach the Temporal server in clear. */
function personalValues(): string[] {
  const { applicant, form } = newbornRequest() as unknown as {
    applicant: { name: string; idNumber: string; phone: string };
    form: {
      baby: { name: string; deliveryRecordNumber: string };
      mother: { name: string; idNumber: string };
      father: { name: string; idNumber: string };
      marriageCertificateNumber: string;
      insuranceAddress: string;
      mailingAddress: string;
      bankAccount: string;
    };
  };
  return [
    form.baby.name,
    form.baby.deliveryRecordNumber,
    form.mother.name,
    form.mother.idNumber,
    form.father.name,
    form.father.idNumber,
    form.marriageCertificateNumber,
    form.insuranceAddress,
    form.mailingAddress,
    form.bankAccount,
    applicant.name,
    applicant.idNumber,
    applicant.phone,
  ];
}

function expectNoneIn(history: string, values: string[]) {
  const found = values.filter((v) => history.includes(v));
  expect(found, 'personal data in clear in the Temporal history').toEqual([]);
}

describe('encryption in Temporal', () => {
  it('keeps every form value out of a finished application’s history on the server', async () => {
    const submitted = await stack.submit(newbornRequest());
    expect(submitted.status).toBe(201);
    const view = await stack.waitForApplication(submitted.body.id, ended);
    expect(view.status).toBe('completed');

    const events = await rawHistory(view.id);
    const history = textOf(events).join('\n');
    // What the departments issued is personal too: the child's ID number, certificate numbers.
    const outputs = view.steps
      .flatMap((s) => Object.values(s.outputs ?? {}))
      .filter((v): v is string => typeof v === 'string');
    expect(outputs.length).toBeGreaterThan(0);
    expectNoneIn(history, [...personalValues(), ...outputs]);

    // Every value payload is encrypted. Two kinds bypass the codec by design: search attributes
    // (none: Onething sets none, and an application started with the current workflow features
    // takes no version patch, so not even the SDK's `TemporalChangeVersion` is set), and the SDK
    // core's own bookkeeping in local-activity markers (`details.data`: sequence number, activity
    // type, times); the scan above already found no form value in either.
    expect(payloadsOf(events).filter((p) => /searchAttributes/.test(p.path))).toEqual([]);
    const bypassing = /searchAttributes|markerRecordedEventAttributes\.details\.(data|patch-data)\./;
    const payloads = payloadsOf(events).filter((p) => !bypassing.test(p.path));
    expect(payloads.length).toBeGreaterThan(10);
    expect(payloads.filter((p) => encodingOf(p.payload) !== 'binary/encrypted').map((p) => p.path)).toEqual(
      [],
    );
    // …each with the application's own data key, so its retention can erase them all at once.
    const dataKeyOf = (payload: Payload) =>
      Buffer.from(payload.metadata?.['encryption-data-key'] ?? []).toString('utf8');
    expect(payloads.filter((p) => dataKeyOf(p.payload) !== view.id).map((p) => p.path)).toEqual([]);
  });

  it('encrypts failure messages too, even a department rejection that quotes the form', async () => {
    const { father } = newbornRequest().form as { father: { idNumber: string } };
    const reason = `no household registered for parent ${father.idNumber}`;
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      reject: { code: 'HOUSEHOLD_NOT_FOUND', reason },
    });
    await stack.simulator.setBehaviour('health', 'birth-certificate', { failNext: 1 });
    try {
      const submitted = await stack.submit(newbornRequest());
      const view = await stack.waitForApplication(submitted.body.id, ended);
      expect(view.status).toBe('rejected');
      // The read model, which portals show, still has the reason in clear.
      expect(view.steps.find((s) => s.id === 'householdRegistration')?.error?.message).toBe(reason);

      const events = await rawHistory(view.id);
      expectNoneIn(textOf(events).join('\n'), [...personalValues(), reason, 'no household registered']);
      const failures = failuresOf(events);
      expect(failures.length).toBeGreaterThan(0);
      for (const failure of failures) {
        expect(failure.message).toBe('Encoded failure');
        expect(failure.stackTrace ?? '').toBe('');
        expect(encodingOf(failure.encodedAttributes ?? {})).toBe('binary/encrypted');
      }
    } finally {
      await stack.simulator.setBehaviour('police', 'birth-registration', {});
      await stack.simulator.setBehaviour('health', 'birth-certificate', {});
    }
  });

  describe('the codec endpoint', () => {
    let input: Payload;
    let workflowId: string;
    beforeAll(async () => {
      const submitted = await stack.submit(newbornRequest());
      await stack.waitForApplication(submitted.body.id, ended);
      workflowId = applicationWorkflowId(submitted.body.id);
      const [started] = await rawHistory(submitted.body.id);
      const payload = started?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      if (!payload) throw new Error('no workflow input in the history');
      input = payload;
    });

    const decode = (payloads: unknown[], as: Parameters<TestStack['request']>[4], headers = {}) =>
      stack.request<{ payloads: Array<{ metadata: Record<string, string>; data?: string }> }>(
        'POST',
        '/codec/decode',
        { payloads },
        { 'x-namespace': 'default', ...headers },
        as,
      );

    it('decodes a payload from the history for an operator', async () => {
      expect(encodingOf(input)).toBe('binary/encrypted');
      const result = await decode([toJson(input)], 'operator');
      expect(result.status).toBe(200);
      const [decoded] = result.body.payloads;
      expect(Buffer.from(decoded?.metadata.encoding ?? '', 'base64').toString()).toBe('json/plain');
      const value = JSON.parse(Buffer.from(decoded?.data ?? '', 'base64').toString('utf8')) as {
        form: { baby: { name: string } };
      };
      expect(value.form.baby.name).toBe('王小明');
    });

    it('encodes what it decodes back to an encrypted payload', async () => {
      const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'IjEi' };
      const encoded = await stack.request<{ payloads: Payload[] }>(
        'POST',
        '/codec/encode',
        { payloads: [plain] },
        {},
        'operator',
      );
      expect(encoded.status).toBe(200);
      const [payload] = encoded.body.payloads as unknown as Array<{ metadata: Record<string, string> }>;
      expect(Buffer.from(payload?.metadata.encoding ?? '', 'base64').toString()).toBe('binary/encrypted');
      const decoded = await decode(encoded.body.payloads, 'operator');
      expect(decoded.body.payloads).toEqual([plain]);
    });

    it('is for operators of every department only', async () => {
      const anonymous = await decode([toJson(input)], null);
      expect(anonymous.status).toBe(401);
      // A decoded history shows every department's data: not for an admin, nor one department's operator.
      for (const role of ['portal', 'policeClerk', 'policeDepartment', 'admin', 'policeOperator'] as const) {
        const result = await decode([toJson(input)], role);
        expect(result.status).toBe(403);
        expect(JSON.stringify(result.body)).not.toContain('王小明');
      }
    });

    it('answers an altered payload with a problem, not ciphertext or clear text', async () => {
      const altered = toJson(input);
      const bytes = Buffer.from(altered.data, 'base64');
      bytes[30] = (bytes[30] ?? 0) ^ 0xff;
      const result = await decode([{ ...altered, data: bytes.toString('base64') }], 'operator');
      expect(result.status).toBe(400);
      expect(result.body).toMatchObject({ code: 'PAYLOAD_UNDECODABLE' });
    });

    it('answers the Temporal UI’s CORS preflight and marks its answers readable by the UI only', async () => {
      const preflight = await fetch(`${stack.apiUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin: testTemporalUiOrigin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,x-namespace',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(testTemporalUiOrigin);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
      expect(preflight.headers.get('access-control-allow-headers')?.split(/,\s*/).sort()).toEqual([
        'authorization',
        'content-type',
        'x-namespace',
      ]);

      const unauthenticated = await fetch(`${stack.apiUrl}/codec/decode`, {
        method: 'POST',
        headers: { origin: testTemporalUiOrigin, 'content-type': 'application/json' },
        body: JSON.stringify({ payloads: [toJson(input)] }),
      });
      expect(unauthenticated.status).toBe(401);
      // The UI can read why it failed instead of seeing a CORS error.
      expect(unauthenticated.headers.get('access-control-allow-origin')).toBe(testTemporalUiOrigin);

      const elsewhere = await fetch(`${stack.apiUrl}/codec/decode`, {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(elsewhere.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('serves the Temporal CLI as a codec server (temporal workflow show --codec-endpoint)', async () => {
      const cli = process.env.TEMPORAL_CLI_PATH ?? '.venv/bin/temporal';
      const { stdout } = await promisify(execFile)(cli, [
        'workflow',
        'show',
        '--workflow-id',
        workflowId,
        '--address',
        inject('temporalAddress'),
        '--namespace',
        'default',
        '--output',
        'json',
        '--codec-endpoint',
        `${stack.apiUrl}/codec`,
        '--codec-auth',
        `Bearer ${stack.keys.operator}`,
      ]);
      // The workflow input as the CLI shows it: the first event's first payload.
      const history = JSON.parse(stdout) as { events: HistoryEvent[] };
      const shown = history.events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as
        { metadata?: Record<string, string>; data?: string } | undefined;
      const withOperator = {
        encoding: Buffer.from(shown?.metadata?.encoding ?? '', 'base64').toString(),
        data: Buffer.from(shown?.data ?? '', 'base64').toString('utf8'),
      };
      expect(withOperator.encoding).toBe('json/plain');
      expect(withOperator.data).toContain('王小明');
    });
  });
});

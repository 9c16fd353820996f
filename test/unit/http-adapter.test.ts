import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DepartmentRejection, DepartmentUnavailable } from '../../departments/adapter.js';
import type { DepartmentCall, PollQuery } from '../../departments/adapter.js';
import {
  createHttpAdapter,
  DepartmentCredentialsRefused,
  DepartmentUnexpectedAnswer,
} from '../../departments/http-adapter.js';
import { signatureHeaders, verifyRequest } from '../../departments/signing.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A department on 127.0.0.1 and a free port; `answer` gets each request once its body is read. */
async function department(answer: (response: ServerResponse) => void) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { method, url, headers } = request;
      received.push({ method, url, headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, received };
}

const json = (status: number, body: unknown) => (response: ServerResponse) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

const call: DepartmentCall = {
  department: 'health',
  service: 'birth-certificate',
  input: { babyName: '王小明', babySex: 'male', birthDate: '2026-11-20' },
  idempotencyKey: 'app-1:birthCertificate',
  attempt: 1,
};

/** What `submit` rejects with; fails the test when it resolves. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('submit resolved');
}

describe('createHttpAdapter', () => {
  it('POSTs the input as JSON with the idempotency key to <baseUrl>/services/<service>', async () => {
    const { baseUrl, received } = await department(json(200, { outputs: { certificateNumber: 'Y1' } }));
    const adapter = createHttpAdapter({ baseUrl: `${baseUrl}/onething/`, timeoutMs: 5000 });

    await adapter.submit(call);

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/onething/services/birth-certificate');
    expect(request?.headers['idempotency-key']).toBe('app-1:birthCertificate');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request?.body ?? '')).toEqual(call.input);
  });

  it('escapes the service name in the path', async () => {
    const { baseUrl, received } = await department(json(200, { outputs: {} }));

    await createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit({ ...call, service: 'a/b c' });

    expect(received[0]?.url).toBe('/services/a%2Fb%20c');
  });

  it('resolves a 200 with the outputs and the receipt number', async () => {
    const { baseUrl } = await department(
      json(200, { receiptNumber: 'RCPT-1', outputs: { certificateNumber: 'Y12345678901' } }),
    );

    const decision = await createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call);

    expect(decision).toEqual({ receiptNumber: 'RCPT-1', outputs: { certificateNumber: 'Y12345678901' } });
  });

  it('leaves the receipt number out when the department gives none', async () => {
    const { baseUrl } = await department(json(201, { outputs: { certificateNumber: 'Y1' } }));

    const decision = await createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call);

    expect(decision).toStrictEqual({ outputs: { certificateNumber: 'Y1' } });
  });

  it("turns a 422 into a DepartmentRejection carrying the department's code and reason", async () => {
    const { baseUrl } = await department(
      json(422, { code: 'MOTHER_NOT_FOUND', reason: 'no delivery record for this mother' }),
    );

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentRejection);
    expect(err).toMatchObject({
      reasonCode: 'MOTHER_NOT_FOUND',
      reason: 'no delivery record for this mother',
    });
  });

  it("turns a 400 with the department's code and reason (an invalid input) into a DepartmentRejection", async () => {
    const { baseUrl } = await department(
      json(400, { code: 'INVALID_INPUT', reason: 'birthDate: not a date in the past' }),
    );

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentRejection);
    expect(err).toMatchObject({ reasonCode: 'INVALID_INPUT', reason: 'birthDate: not a date in the past' });
  });

  it('turns a 2xx { status: "rejected", code, reason } into a DepartmentRejection', async () => {
    const { baseUrl } = await department(
      json(200, { status: 'rejected', code: 'MOTHER_NOT_FOUND', reason: 'no delivery record' }),
    );

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentRejection);
    expect(err).toMatchObject({ reasonCode: 'MOTHER_NOT_FOUND', reason: 'no delivery record' });
  });

  // None of these is the department saying no: each is a failed call, retried, never a rejection.
  it.each([
    ['a 404 HTML page from a gateway', 404, 'text/html', '<html><body><h1>404 Not Found</h1></body></html>'],
    ['a 400 without a body', 400, 'text/plain', ''],
    ['a 400 JSON without a code', 400, 'application/json', JSON.stringify({ error: 'Bad Request' })],
    ['a 400 with a code but no reason', 400, 'application/json', JSON.stringify({ code: 'E1001' })],
    ['a 422 with an empty code', 422, 'application/json', JSON.stringify({ code: ' ', reason: 'no' })],
    ['a 422 that is not JSON', 422, 'text/plain', 'Unprocessable Entity'],
    [
      'a 404 with a code (a misrouted call)',
      404,
      'application/json',
      JSON.stringify({ code: 'UNKNOWN_SERVICE', reason: 'no service health/birth-certificate' }),
    ],
    [
      'a 409 with a code',
      409,
      'application/json',
      JSON.stringify({ code: 'CONFLICT', reason: 'key reused' }),
    ],
    ['a 405 from a changed API', 405, 'text/plain', 'Method Not Allowed'],
  ])('turns %s into a failed call, not a rejection', async (_what, status, contentType, body) => {
    const { baseUrl } = await department((response) => {
      response.writeHead(status, { 'content-type': contentType });
      response.end(body);
    });

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentUnexpectedAnswer);
    expect(err).toBeInstanceOf(DepartmentUnavailable);
    expect(err).not.toBeInstanceOf(DepartmentRejection);
    expect((err as Error).message).toMatch(new RegExp(`^health answered ${status} `));
  });

  it('names what a non-rejection 4xx carried, for the operator', async () => {
    const { baseUrl } = await department(
      json(404, { code: 'UNKNOWN_SERVICE', reason: 'no service health/birth-certificate' }),
    );
    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));
    expect((err as Error).message).toBe(
      "health answered 404 UNKNOWN_SERVICE (no service health/birth-certificate): not the protocol's rejection (400 or 422 with a code and a reason), so no decision; retried",
    );

    const { baseUrl: gateway } = await department((response) => {
      response.writeHead(404, { 'content-type': 'text/html' });
      response.end('<html>Not Found</html>');
    });
    const html = await failureOf(createHttpAdapter({ baseUrl: gateway, timeoutMs: 5000 }).submit(call));
    expect((html as Error).message).toContain('health answered 404 with a body that is not JSON');
  });

  it('turns a 2xx { status: "rejected" } without a code into a failed call', async () => {
    const { baseUrl } = await department(json(200, { status: 'rejected', reason: 'no' }));

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentUnexpectedAnswer);
    expect((err as Error).message).toContain('a rejection needs a code and a reason');
  });

  it('turns a 503 into DepartmentUnavailable, not a rejection', async () => {
    const { baseUrl } = await department(json(503, { code: 'UNAVAILABLE', reason: 'maintenance window' }));

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentUnavailable);
    expect(err).not.toBeInstanceOf(DepartmentRejection);
    expect((err as Error).message).toBe('health answered 503: maintenance window');
  });

  it('turns a 500 without a JSON body into DepartmentUnavailable', async () => {
    const { baseUrl } = await department((response) => {
      response.writeHead(500);
      response.end('<html>oops</html>');
    });

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentUnavailable);
    expect((err as Error).message).toBe('health answered 500: no reason given');
  });

  it('retries (DepartmentUnavailable) a 200 whose body cannot be read, rather than take it for a decision', async () => {
    const { baseUrl } = await department((response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"outputs":');
    });
    const failure = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 2000 }).submit(call));
    expect(failure).toBeInstanceOf(DepartmentUnavailable);
    expect((failure as Error).message).toContain('unreadable');
  });

  it('retries 408 and 429, which ask to try again later', async () => {
    for (const status of [408, 429]) {
      const { baseUrl } = await department(json(status, { code: 'BUSY', reason: 'try later' }));
      const failure = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 2000 }).submit(call));
      expect(failure, String(status)).toBeInstanceOf(DepartmentUnavailable);
    }
  });

  it('turns a refused connection into DepartmentUnavailable', async () => {
    const { baseUrl } = await department(json(200, {}));
    const [server] = servers.splice(0);
    await new Promise<void>((resolve) => server?.close(() => resolve()));

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentUnavailable);
    expect((err as Error).message).toMatch(/^health unreachable: /);
    expect((err as Error).cause).toBeDefined();
  });

  it('gives up on a department that never answers after timeoutMs, as DepartmentUnavailable', async () => {
    const { baseUrl, received } = await department(() => {
      // Holds the request open: the adapter's own timeout must end the call.
    });

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 200 }).submit(call));

    expect(received).toHaveLength(1);
    expect(err).toBeInstanceOf(DepartmentUnavailable);
    expect((err as Error).message).toBe('health unreachable: timed out');
  });

  it("stops when the caller's signal is aborted, as DepartmentUnavailable", async () => {
    const { baseUrl, received } = await department(json(200, { outputs: {} }));
    const controller = new AbortController();
    controller.abort(new Error('worker shutting down'));

    const err = await failureOf(
      createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit({ ...call, signal: controller.signal }),
    );

    expect(err).toBeInstanceOf(DepartmentUnavailable);
    expect((err as Error).message).toBe('health unreachable: worker shutting down');
    expect(received).toHaveLength(0);
  });
});

const query: PollQuery = {
  department: 'health',
  service: 'birth-certificate',
  receiptNumber: 'RCPT-1',
  idempotencyKey: 'app-1:birthCertificate',
};

/** Runs `poll`, which the HTTP adapter always has. */
function poll(adapter: ReturnType<typeof createHttpAdapter>, q: PollQuery = query) {
  if (!adapter.poll) throw new Error('the HTTP adapter has no poll');
  return adapter.poll(q);
}

describe('createHttpAdapter auth', () => {
  const key = { keyId: 'k1', secret: 'a-shared-secret-of-some-length' };

  it('signs each call with HMAC over the path it asks for and the exact body it sends', async () => {
    const { baseUrl, received } = await department(json(200, { outputs: {} }));
    const adapter = createHttpAdapter({
      baseUrl: `${baseUrl}/onething`,
      timeoutMs: 5000,
      auth: { type: 'hmac', ...key },
    });

    await adapter.submit(call);

    const [request] = received;
    expect(request?.headers[signatureHeaders.keyId]).toBe('k1');
    expect(request?.headers['idempotency-key']).toBe(call.idempotencyKey);
    const signed = {
      method: 'POST',
      path: request?.url ?? '',
      body: request?.body ?? '',
      headers: request?.headers ?? {},
    };
    expect(verifyRequest(new Map([['k1', key.secret]]), signed)).toEqual({ ok: true, keyId: 'k1' });
    expect(verifyRequest(new Map([['k1', 'another-secret-entirely']]), signed)).toEqual({
      ok: false,
      failure: 'bad-signature',
    });
  });

  it('signs polls the same way, over an empty body', async () => {
    const { baseUrl, received } = await department(json(200, { status: 'pending' }));
    const adapter = createHttpAdapter({ baseUrl, timeoutMs: 5000, auth: { type: 'hmac', ...key } });

    await poll(adapter);

    const [request] = received;
    expect(request?.method).toBe('GET');
    const signed = { method: 'GET', path: request?.url ?? '', body: '', headers: request?.headers ?? {} };
    expect(verifyRequest(new Map([['k1', key.secret]]), signed)).toEqual({ ok: true, keyId: 'k1' });
  });

  it('sends a bearer token, and no signature, when configured so', async () => {
    const { baseUrl, received } = await department(json(200, { outputs: {} }));

    await createHttpAdapter({ baseUrl, timeoutMs: 5000, auth: { type: 'bearer', token: 'tok-123' } }).submit(
      call,
    );

    expect(received[0]?.headers.authorization).toBe('Bearer tok-123');
    expect(received[0]?.headers[signatureHeaders.signature]).toBeUndefined();
  });

  it('sends neither without auth', async () => {
    const { baseUrl, received } = await department(json(200, { outputs: {} }));

    await createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call);

    expect(received[0]?.headers.authorization).toBeUndefined();
    expect(received[0]?.headers[signatureHeaders.signature]).toBeUndefined();
  });

  it('retries a refused signature or token (401, 403) instead of rejecting the applicant', async () => {
    for (const status of [401, 403]) {
      const { baseUrl } = await department(
        json(status, { code: 'SIGNATURE_INVALID', reason: 'bad signature' }),
      );
      const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));
      expect(err, String(status)).toBeInstanceOf(DepartmentCredentialsRefused);
      expect(err, String(status)).toBeInstanceOf(DepartmentUnavailable);
      expect(err, String(status)).not.toBeInstanceOf(DepartmentRejection);
    }
  });
});

describe('createHttpAdapter decisions that come later', () => {
  it('resolves a 202 with a receipt as an acceptance', async () => {
    const { baseUrl } = await department(json(202, { status: 'accepted', receiptNumber: 'RCPT-9' }));

    const result = await createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call);

    expect(result).toStrictEqual({ accepted: true, receiptNumber: 'RCPT-9' });
  });

  it('retries a 202 without a receipt number: the case could be neither polled nor matched', async () => {
    const { baseUrl } = await department(json(202, { status: 'accepted' }));

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentUnavailable);
    expect((err as Error).message).toBe(
      'health accepted the case (202) without a receiptNumber to follow it by',
    );
  });

  it('polls GET <baseUrl>/services/<service>/cases/<receipt> with the idempotency key', async () => {
    const { baseUrl, received } = await department(json(200, { status: 'pending' }));

    const result = await poll(createHttpAdapter({ baseUrl: `${baseUrl}/onething`, timeoutMs: 5000 }), {
      ...query,
      receiptNumber: 'RCPT 1/2',
    });

    expect(result).toEqual({ pending: true });
    expect(received[0]?.method).toBe('GET');
    expect(received[0]?.url).toBe('/onething/services/birth-certificate/cases/RCPT%201%2F2');
    expect(received[0]?.headers['idempotency-key']).toBe(query.idempotencyKey);
  });

  it('resolves a decided case with its outputs and receipt', async () => {
    const { baseUrl } = await department(
      json(200, { status: 'decided', receiptNumber: 'RCPT-1', outputs: { certificateNumber: 'Y1' } }),
    );

    const result = await poll(createHttpAdapter({ baseUrl, timeoutMs: 5000 }));

    expect(result).toStrictEqual({ receiptNumber: 'RCPT-1', outputs: { certificateNumber: 'Y1' } });
  });

  it('turns a rejected case (4xx) into a DepartmentRejection', async () => {
    const { baseUrl } = await department(json(422, { code: 'NO_RECORD', reason: 'no delivery record' }));

    const err = await failureOf(poll(createHttpAdapter({ baseUrl, timeoutMs: 5000 })));

    expect(err).toBeInstanceOf(DepartmentRejection);
    expect(err).toMatchObject({ reasonCode: 'NO_RECORD', reason: 'no delivery record' });
  });

  it('turns a case polled as 200 { status: "rejected", code, reason } into a DepartmentRejection', async () => {
    const { baseUrl } = await department(
      json(200, { status: 'rejected', code: 'NO_RECORD', reason: 'no delivery record' }),
    );

    const err = await failureOf(poll(createHttpAdapter({ baseUrl, timeoutMs: 5000 })));

    expect(err).toBeInstanceOf(DepartmentRejection);
    expect(err).toMatchObject({ reasonCode: 'NO_RECORD', reason: 'no delivery record' });
  });

  it('retries a poll answered 404 (a lost case) or "rejected" without a code, never rejecting', async () => {
    for (const [status, body] of [
      [404, { code: 'UNKNOWN_CASE', reason: 'no case RCPT-1' }],
      [404, '<html>Not Found</html>'],
      [200, { status: 'rejected' }],
    ] as const) {
      const { baseUrl } = await department((response) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(typeof body === 'string' ? body : JSON.stringify(body));
      });
      const err = await failureOf(poll(createHttpAdapter({ baseUrl, timeoutMs: 5000 })));
      expect(err, `${status} ${JSON.stringify(body)}`).toBeInstanceOf(DepartmentUnexpectedAnswer);
    }
  });

  it('has no poll for a department that only calls back', () => {
    const adapter = createHttpAdapter({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 5000, poll: false });
    expect('poll' in adapter).toBe(false);
  });

  it('retries a poll answered 5xx or without a status', async () => {
    for (const [status, body] of [
      [503, { code: 'UNAVAILABLE', reason: 'maintenance' }],
      [200, { outputs: {} }],
    ] as const) {
      const { baseUrl } = await department(json(status, body));
      const err = await failureOf(poll(createHttpAdapter({ baseUrl, timeoutMs: 5000 })));
      expect(err, String(status)).toBeInstanceOf(DepartmentUnavailable);
    }
  });
});

describe('createHttpAdapter undo', () => {
  const undo = {
    department: 'health',
    service: 'birth-certificate',
    receiptNumber: 'RCPT-1',
    outputs: { certificateNumber: 'Y1' },
    idempotencyKey: 'undo:app-1:birthCertificate',
  };

  /** Runs `compensate`, which the HTTP adapter always has. */
  function compensate(adapter: ReturnType<typeof createHttpAdapter>) {
    if (!adapter.compensate) throw new Error('the HTTP adapter has no compensate');
    return adapter.compensate(undo);
  }

  it('POSTs the undo to <baseUrl>/services/<service>/compensations', async () => {
    const { baseUrl, received } = await department(json(200, { status: 'compensated' }));

    await compensate(createHttpAdapter({ baseUrl, timeoutMs: 5000 }));

    expect(received[0]?.url).toBe('/services/birth-certificate/compensations');
    expect(JSON.parse(received[0]?.body ?? '')).toEqual({
      receiptNumber: 'RCPT-1',
      outputs: { certificateNumber: 'Y1' },
    });
  });

  // An undo is never a decision about the applicant: a refusal, like any failure, is retried.
  it('retries an undo the department refuses (422) or cannot route (404)', async () => {
    for (const [status, body] of [
      [422, { code: 'ALREADY_ISSUED', reason: 'the card was mailed' }],
      [404, { error: 'Not Found' }],
    ] as const) {
      const { baseUrl } = await department(json(status, body));
      const err = await failureOf(compensate(createHttpAdapter({ baseUrl, timeoutMs: 5000 })));
      expect(err, String(status)).toBeInstanceOf(DepartmentUnavailable);
      expect(err, String(status)).not.toBeInstanceOf(DepartmentRejection);
    }
  });
});

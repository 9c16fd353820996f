import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DepartmentRejection, DepartmentUnavailable } from '../../departments/adapter.js';
import type { DepartmentCall } from '../../departments/adapter.js';
import { createHttpAdapter } from '../../departments/http-adapter.js';

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

  it('turns a 400 without a problem body into a DepartmentRejection with the status', async () => {
    const { baseUrl } = await department((response) => {
      response.writeHead(400, { 'content-type': 'text/plain' });
      response.end('bad request');
    });

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentRejection);
    expect(err).toMatchObject({ reasonCode: 'HTTP_400', reason: 'rejected with HTTP 400' });
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

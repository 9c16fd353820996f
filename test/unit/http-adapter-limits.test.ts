import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DepartmentRejection, DepartmentUnavailable } from '../../departments/adapter.js';
import type { DepartmentCall, PollQuery } from '../../departments/adapter.js';
import {
  createHttpAdapter,
  DepartmentAnswerTooLarge,
  DepartmentUnexpectedAnswer,
} from '../../departments/http-adapter.js';

// What a department may send back is bounded: the adapter reads at most `maxAnswerBytes`, and what
// it takes from an answer (receipt, rejection) stays within the protocol's bounds, so nothing a
// department sends can exhaust the worker's memory or swell a workflow's history.

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A department on 127.0.0.1 answering every request with `answer`, once the request is read. */
async function department(answer: (response: ServerResponse) => void): Promise<string> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => answer(response));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (status: number, body: unknown) => (response: ServerResponse) => {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
};

/** A JSON body of exactly `bytes` bytes (at least 16): a decision padded with a field to be ignored. */
function paddedDecision(bytes: number): string {
  const head = '{"outputs":{},"padding":"';
  return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
}

/** How far a streamed answer got: the department gives up writing once the adapter lets go. */
interface Stream {
  written: number;
  finished: boolean;
}

/** Streams `total` bytes of a JSON string in 64 KiB chunks, chunked (no length declared), minding backpressure. */
function streamed(total: number, stream: Stream) {
  return (response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const next = (): void => {
      while (stream.written < total) {
        if (response.destroyed) return;
        stream.written += chunk.length;
        if (!response.write(chunk)) {
          response.once('drain', next);
          return;
        }
      }
      stream.finished = true;
      response.end();
    };
    response.on('error', () => undefined);
    response.write('"');
    next();
  };
}

const call: DepartmentCall = {
  department: 'health',
  service: 'birth-certificate',
  input: { babyName: '王小明' },
  idempotencyKey: 'app-1:birthCertificate',
  attempt: 1,
};
const query: PollQuery = {
  department: 'health',
  service: 'birth-certificate',
  receiptNumber: 'RCPT-1',
  idempotencyKey: 'app-1:birthCertificate',
};

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('resolved');
}

const MiB = 1024 * 1024;

describe('the HTTP adapter reads at most maxAnswerBytes of an answer', () => {
  it('stops reading a 20 MB answer of unknown length after 1 MiB, as a failed call', async () => {
    const stream: Stream = { written: 0, finished: false };
    const baseUrl = await department(streamed(20 * MiB, stream));

    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 10_000 }).submit(call));

    expect(err).toBeInstanceOf(DepartmentAnswerTooLarge);
    expect(err).toBeInstanceOf(DepartmentUnavailable);
    expect(err.message).toBe(
      "health answered 200 with more than 1 MiB (the adapter's maxAnswerBytes): not read, so no decision; retried",
    );
    // The adapter let the connection go: the department never got to send the whole answer.
    expect(stream.finished).toBe(false);
  });

  it('refuses an answer whose declared length is over the cap without reading it', async () => {
    const baseUrl = await department((response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 * MiB });
      response.end(paddedDecision(2 * MiB));
    });
    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));
    expect(err).toBeInstanceOf(DepartmentAnswerTooLarge);
  });

  it('reads an answer of exactly maxAnswerBytes and refuses one byte more (configurable per adapter)', async () => {
    const exact = await department((response) => response.end(paddedDecision(1024)));
    const over = await department((response) => response.end(paddedDecision(1025)));

    const decision = await createHttpAdapter({
      baseUrl: exact,
      timeoutMs: 5000,
      maxAnswerBytes: 1024,
    }).submit(call);
    expect(decision).toEqual({ outputs: {} });
    const err = await failureOf(
      createHttpAdapter({ baseUrl: over, timeoutMs: 5000, maxAnswerBytes: 1024 }).submit(call),
    );
    expect(err).toBeInstanceOf(DepartmentAnswerTooLarge);
    expect(err.message).toContain('with more than 1 KiB');
  });

  it('treats an oversized rejection or error page as a failed call, never as a rejection', async () => {
    for (const status of [422, 503]) {
      const baseUrl = await department((response) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 'NO', reason: 'r'.repeat(2 * MiB) }));
      });
      const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));
      expect(err, String(status)).toBeInstanceOf(DepartmentAnswerTooLarge);
      expect(err.message).toMatch(new RegExp(`^health answered ${status} with more than 1 MiB`));
    }
  });

  it('caps polls the same way', async () => {
    const stream: Stream = { written: 0, finished: false };
    const baseUrl = await department(streamed(20 * MiB, stream));
    const adapter = createHttpAdapter({ baseUrl, timeoutMs: 10_000 });
    if (!adapter.poll) throw new Error('the HTTP adapter polls');
    const err = await failureOf(adapter.poll(query));
    expect(err).toBeInstanceOf(DepartmentAnswerTooLarge);
    expect(stream.finished).toBe(false);
  });
});

describe('the HTTP adapter keeps what it takes from an answer within the protocol', () => {
  it('retries a 200 HTML page, naming its content type', async () => {
    const baseUrl = await department((response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<html><body>Welcome to nginx!</body></html>');
    });
    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));
    expect(err).toBeInstanceOf(DepartmentUnavailable);
    expect(err).not.toBeInstanceOf(DepartmentRejection);
    expect(err.message).toMatch(/^health sent an unreadable answer \(200, text\/html; charset=utf-8\): /);
    expect(err.message.length).toBeLessThan(500);
  });

  it('takes a receipt number of up to 200 characters, and retries a longer one', async () => {
    const fits = await department(json(202, { status: 'accepted', receiptNumber: 'R'.repeat(200) }));
    const long = await department(json(202, { status: 'accepted', receiptNumber: 'R'.repeat(201) }));
    expect(await createHttpAdapter({ baseUrl: fits, timeoutMs: 5000 }).submit(call)).toEqual({
      accepted: true,
      receiptNumber: 'R'.repeat(200),
    });
    const err = await failureOf(createHttpAdapter({ baseUrl: long, timeoutMs: 5000 }).submit(call));
    expect(err).toBeInstanceOf(DepartmentUnexpectedAnswer);
    expect(err.message).toContain('a receiptNumber of 201 characters (at most 200)');
  });

  it('cuts a rejection reason to 2,000 characters and retries a code over 100', async () => {
    const long = await department(json(422, { code: 'NO_RECORD', reason: '理'.repeat(5000) }));
    const rejection = await failureOf(createHttpAdapter({ baseUrl: long, timeoutMs: 5000 }).submit(call));
    expect(rejection).toBeInstanceOf(DepartmentRejection);
    expect((rejection as DepartmentRejection).reason).toHaveLength(2000);
    expect((rejection as DepartmentRejection).reason.endsWith('…')).toBe(true);

    const code = await department(json(422, { code: 'C'.repeat(101), reason: 'no' }));
    const err = await failureOf(createHttpAdapter({ baseUrl: code, timeoutMs: 5000 }).submit(call));
    expect(err).toBeInstanceOf(DepartmentUnexpectedAnswer);
  });

  it("keeps a 5xx's long reason out of the failure message", async () => {
    const baseUrl = await department(json(503, { code: 'DOWN', reason: 'd'.repeat(500_000) }));
    const err = await failureOf(createHttpAdapter({ baseUrl, timeoutMs: 5000 }).submit(call));
    expect(err).toBeInstanceOf(DepartmentUnavailable);
    expect(err.message.length).toBeLessThan(400);
  });
});

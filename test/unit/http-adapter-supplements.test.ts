import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DepartmentCall } from '../../departments/adapter.js';
import { createHttpAdapter, DepartmentUnexpectedAnswer } from '../../departments/http-adapter.js';

// The protocol's request for supplements (补正), read by the HTTP adapter, and the answers it sends.
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

interface Received {
  method: string | undefined;
  url: string | undefined;
  key: string | string[] | undefined;
  body: string;
}

/** A department answering every request with `status` and `body`. */
async function department(status: number, body: unknown) {
  const received: Received[] = [];
  const server = createServer((request, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        url: request.url,
        key: request.headers['idempotency-key'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { adapter: createHttpAdapter({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 }), received };
}

const call: DepartmentCall = {
  department: 'police',
  service: 'birth-registration',
  input: { certificateNumber: 'Y1' },
  idempotencyKey: 'app-1:householdRegistration',
  attempt: 1,
};
const missing = ['户口簿首页 household booklet first page'];

describe('the HTTP adapter and supplements (补正)', () => {
  it('reads a call answered supplement-required as a request naming the case and every item', async () => {
    const { adapter } = await department(200, {
      status: 'supplement-required',
      receiptNumber: 'R-1',
      missing,
    });
    await expect(adapter.submit(call)).resolves.toEqual({
      supplementRequired: true,
      receiptNumber: 'R-1',
      missing,
    });
  });

  it('reads a poll answered supplement-required', async () => {
    const { adapter } = await department(200, { status: 'supplement-required', missing });
    const query = { ...call, receiptNumber: 'R-1' };
    await expect(adapter.poll?.(query)).resolves.toEqual({ supplementRequired: true, missing });
  });

  it.each([
    ['no receipt number', { status: 'supplement-required', missing }],
    ['no list', { status: 'supplement-required', receiptNumber: 'R-1' }],
    ['an empty list', { status: 'supplement-required', receiptNumber: 'R-1', missing: [] }],
    ['an empty item', { status: 'supplement-required', receiptNumber: 'R-1', missing: [' '] }],
    ['a repeated item', { status: 'supplement-required', receiptNumber: 'R-1', missing: ['a', 'a'] }],
    ['an item that is not text', { status: 'supplement-required', receiptNumber: 'R-1', missing: [1] }],
  ])('takes a request with %s for a failed call, retried, not a decision', async (_what, body) => {
    const { adapter } = await department(200, body);
    await expect(adapter.submit(call)).rejects.toBeInstanceOf(DepartmentUnexpectedAnswer);
  });

  it("sends the answers to the case under the call's key with their round, and reads the decision", async () => {
    const { adapter, received } = await department(200, {
      status: 'decided',
      receiptNumber: 'R-1',
      outputs: { citizenIdNumber: 'X' },
    });
    const answers = { [missing[0] as string]: 'M-1' };
    const answer = await adapter.supplement?.({
      department: 'police',
      service: 'birth-registration',
      receiptNumber: 'R-1',
      idempotencyKey: call.idempotencyKey,
      round: 2,
      answers,
    });
    expect(answer).toEqual({ outputs: { citizenIdNumber: 'X' }, receiptNumber: 'R-1' });
    expect(received).toEqual([
      {
        method: 'POST',
        url: '/services/birth-registration/cases/R-1/supplements',
        key: call.idempotencyKey,
        body: JSON.stringify({ round: 2, answers }),
      },
    ]);
  });
});

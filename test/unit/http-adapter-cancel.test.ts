/**
 * The HTTP adapter's cancellation of an accepted case (the application was withdrawn): `DELETE`
 * on the case's URL, signed and keyed, and every answer the protocol allows read as such.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DepartmentUnavailable } from '../../departments/adapter.js';
import type { CancelQuery } from '../../departments/adapter.js';
import { createHttpAdapter, DepartmentUnexpectedAnswer } from '../../departments/http-adapter.js';
import { verifyRequest } from '../../departments/signing.js';

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
  headers: IncomingHttpHeaders;
}

/** A department answering every request with `status` and `body`. */
async function department(status: number, body: unknown) {
  const received: Received[] = [];
  const server = createServer((request, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      received.push({ method: request.method, url: request.url, headers: request.headers });
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/onething`, received };
}

const query: CancelQuery = {
  department: 'police',
  service: 'birth-registration',
  receiptNumber: 'RCPT 7/1',
  idempotencyKey: 'app-1:householdRegistration',
};
const key = { keyId: 'k1', secret: 'a-secret-of-at-least-16' };

describe('cancelling an accepted case over HTTP', () => {
  it('sends a signed DELETE to the case, keyed apart from the call, and reads "cancelled"', async () => {
    const police = await department(200, { status: 'cancelled' });
    const adapter = createHttpAdapter({
      baseUrl: police.baseUrl,
      timeoutMs: 2000,
      auth: { type: 'hmac', ...key },
    });
    expect(await adapter.cancel?.(query)).toEqual({ status: 'cancelled' });
    const [request] = police.received;
    expect(request).toMatchObject({
      method: 'DELETE',
      url: '/onething/services/birth-registration/cases/RCPT%207%2F1',
    });
    expect(request?.headers['idempotency-key']).toBe('cancel:app-1:householdRegistration');
    expect(
      verifyRequest(new Map([[key.keyId, key.secret]]), {
        method: 'DELETE',
        path: request?.url ?? '',
        body: '',
        headers: request?.headers ?? {},
      }),
    ).toEqual({ ok: true, keyId: 'k1' });
  });

  it('reads a decision made before the cancellation arrived', async () => {
    const police = await department(200, {
      status: 'decided',
      receiptNumber: 'RCPT-9',
      outputs: { hukouNumber: 'H1' },
    });
    const adapter = createHttpAdapter({ baseUrl: police.baseUrl, timeoutMs: 2000 });
    expect(await adapter.cancel?.(query)).toEqual({
      status: 'decided',
      outputs: { hukouNumber: 'H1' },
      receiptNumber: 'RCPT-9',
    });
  });

  it('reads a rejection made before the cancellation arrived', async () => {
    const police = await department(422, { code: 'NO_RECORD', reason: 'no birth record' });
    const adapter = createHttpAdapter({ baseUrl: police.baseUrl, timeoutMs: 2000 });
    expect(await adapter.cancel?.(query)).toEqual({
      status: 'rejected',
      reasonCode: 'NO_RECORD',
      reason: 'no birth record',
    });
  });

  it.each([
    ['a 503', 503, { code: 'DOWN', reason: 'maintenance' }, DepartmentUnavailable],
    ['an answer with no status', 200, { ok: true }, DepartmentUnavailable],
    ['a bare 404', 404, { error: 'not found' }, DepartmentUnexpectedAnswer],
  ])('fails (to be retried) on %s', async (_what, status, body, type) => {
    const police = await department(status, body);
    const adapter = createHttpAdapter({ baseUrl: police.baseUrl, timeoutMs: 2000 });
    await expect(adapter.cancel?.(query)).rejects.toBeInstanceOf(type);
  });
});

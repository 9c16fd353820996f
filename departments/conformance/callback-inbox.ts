import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyRequest } from '../signing.js';
import type { VerifyFailure } from '../signing.js';

/** One callback as Onething would receive it at `POST /v1/departments/<department>/callbacks`. */
export interface ReceivedCallback {
  department: string;
  path: string;
  /** The parsed JSON body; `undefined` when it was not JSON. */
  body: unknown;
  /** Whether the signature verified against the department's callback keys, and if not why. */
  signature: { ok: true; keyId: string } | { ok: false; failure: VerifyFailure };
}

/** A stand-in for Onething's callback endpoint, for the conformance kit. */
export interface CallbackInbox {
  /** Base URL to point the department's callbacks at; they arrive at `<url>/v1/departments/<id>/callbacks`. */
  url: string;
  /**
   * The first callback from `department` naming `receiptNumber`, received already or yet to come;
   * rejects after `timeoutMs` so a department that never calls back fails rather than hangs.
   */
  next(department: string, receiptNumber: string, timeoutMs?: number): Promise<ReceivedCallback>;
  close(): Promise<void>;
}

const callbackPathPattern = /^\/v1\/departments\/([^/]+)\/callbacks$/;

/**
 * Starts a callback receiver on 127.0.0.1 that checks signatures as Onething does, with the
 * secrets a department may sign with (department → key id → secret). A good signature is answered
 * `200 { status: 'recorded' }`, anything else 401, so the department sees what Onething would say.
 */
export async function startCallbackInbox(
  keys: ReadonlyMap<string, ReadonlyMap<string, string>>,
): Promise<CallbackInbox> {
  const received: ReceivedCallback[] = [];
  const waiters = new Set<{
    matches: (c: ReceivedCallback) => boolean;
    resolve: (c: ReceivedCallback) => void;
  }>();

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '').split('?')[0] ?? '';
      const match = request.method === 'POST' ? callbackPathPattern.exec(path) : null;
      if (match === null) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"ROUTE_NOT_FOUND"}');
        return;
      }
      const department = decodeURIComponent(match[1] ?? '');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const signature = verifyRequest(keys.get(department) ?? new Map<string, string>(), {
        method: 'POST',
        path,
        body: rawBody,
        headers: request.headers,
      });
      const callback: ReceivedCallback = { department, path, body, signature };
      received.push(callback);
      for (const waiter of [...waiters]) {
        if (waiter.matches(callback)) {
          waiters.delete(waiter);
          waiter.resolve(callback);
        }
      }
      const [status, answer] = signature.ok
        ? [200, { status: 'recorded' }]
        : [401, { code: 'CALLBACK_SIGNATURE_INVALID', reason: signature.failure }];
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    next(department, receiptNumber, timeoutMs = 10_000) {
      const matches = (c: ReceivedCallback) =>
        c.department === department &&
        (c.body as { receiptNumber?: unknown } | undefined)?.receiptNumber === receiptNumber;
      const already = received.find(matches);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const waiter = {
          matches,
          resolve: (c: ReceivedCallback) => {
            clearTimeout(timer);
            resolve(c);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(
            new Error(`no callback from ${department} for case ${receiptNumber} within ${timeoutMs} ms`),
          );
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

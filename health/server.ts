import type { NotReadyPart } from '../schemas/api.js';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { problemCodes } from '../schemas/error-codes.js';
import { notReady } from './not-ready.js';
import { healthPaths } from './paths.js';

/** A process's own health endpoints, for a process that serves no API (the worker). */
export interface HealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `GET /health/live` answers 200 while the process runs; `GET /health/ready` answers 200 when
 * `down()` names nothing, else 503 problem+json naming what is down. The same contract as the
 * API's routes of the same names, so probes treat every process alike. `other` may answer
 * further routes first (the worker's `/metrics`): it returns true when it did.
 */
export async function startHealthServer(
  listen: { host: string; port: number },
  down: () => Promise<NotReadyPart[]>,
  other?: (request: IncomingMessage, response: ServerResponse) => boolean,
): Promise<HealthServer> {
  const server = createServer((request, response) => {
    if (other?.(request, response)) return;
    const path = (request.url ?? '').split('?')[0];
    const send = (status: number, type: string, body: unknown) => {
      response.writeHead(status, {
        'content-type': type,
        'cache-control': 'no-store',
        ...(status === 503 ? { 'retry-after': '5' } : {}),
      });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === healthPaths.live) return send(200, 'application/json', { status: 'ok' });
    if (path !== healthPaths.ready) {
      return send(404, 'application/problem+json', {
        type: 'about:blank',
        status: 404,
        code: problemCodes.routeNotFound,
        title: 'No such route',
      });
    }
    down().then(
      (parts) =>
        parts.length === 0
          ? send(200, 'application/json', { status: 'ok' })
          : send(503, 'application/problem+json', notReady(parts)),
      () => send(503, 'application/problem+json', notReady(['health-check'])),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

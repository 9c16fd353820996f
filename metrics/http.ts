import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsContentType, renderMetrics } from './render.js';
import type { MetricsSource } from './render.js';

/** Whether a request may read the metrics: its bearer token names an operator's or admin's key. */
export type MetricsAuthorizer = (bearerToken: string | undefined) => Promise<boolean>;

/**
 * A Node request handler answering `GET /metrics` (true) or leaving the request to the caller
 * (false). With `authorize`, a request without an operator's key is answered 401.
 */
export function metricsHandler(source: MetricsSource, authorize?: MetricsAuthorizer) {
  return (request: IncomingMessage, response: ServerResponse): boolean => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) return false;
    void (async () => {
      try {
        if (authorize) {
          const header = request.headers.authorization ?? '';
          const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
          if (!(await authorize(token))) {
            response
              .writeHead(401, { 'www-authenticate': 'Bearer', 'content-type': 'text/plain' })
              .end('an operator or admin API key is required\n');
            return;
          }
        }
        const text = await renderMetrics(source);
        response
          .writeHead(200, { 'content-type': metricsContentType, 'cache-control': 'no-store' })
          .end(text);
      } catch {
        // Nothing internal in the answer: the scrape fails and Prometheus' `up` says so.
        response.writeHead(503, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      }
    })();
    return true;
  };
}

/** The separate scrape port (METRICS_PORT): `GET /metrics` without a key, for Prometheus on the internal network. */
export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` on its own port, unauthenticated: a deployment exposes it only to its
 * Prometheus (a network policy, a pod port not routed outside), as is usual for scrape ports.
 */
export async function startMetricsServer(
  listen: { host: string; port: number },
  source: MetricsSource,
): Promise<MetricsServer> {
  const handle = metricsHandler(source);
  const server = createServer((request, response) => {
    if (!handle(request, response))
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = ['0.0.0.0', '::'].includes(listen.host) ? '127.0.0.1' : listen.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

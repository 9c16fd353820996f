import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApplicationEvent } from '../../schemas/events.js';

/** One request the receiver got, and the status it answered. */
export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  event: ApplicationEvent;
  answered: number;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for a portal's webhook endpoint. `answer` gives the
 * status for the n-th request (1-based); 200 by default.
 */
export async function startWebhookReceiver(answer: (n: number) => number = () => 200) {
  const received: ReceivedDelivery[] = [];
  const listeners = new Set<() => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answered = answer(received.length + 1);
      received.push({
        headers: request.headers,
        body,
        event: JSON.parse(body) as ApplicationEvent,
        answered,
      });
      response.writeHead(answered).end();
      for (const listener of listeners) listener();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks/onething`,
    received,
    /** The requests about one application, in the order they arrived. */
    of: (applicationId: string) => received.filter((d) => d.event.applicationId === applicationId),
    /** Resolves once `done` holds for what was received, checked at every request; fails after `timeoutMs`. */
    waitFor(done: (received: ReceivedDelivery[]) => boolean, timeoutMs = 30_000): Promise<void> {
      if (done(received)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!done(received)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`the receiver did not get what was expected; got ${received.length} requests`));
        }, timeoutMs);
        listeners.add(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

/** Seqs in the order they were first received: duplicates (at least once) are dropped. */
export function firstReceipts(deliveries: ReceivedDelivery[]): number[] {
  const seen = new Set<number>();
  return deliveries.flatMap((d) => (seen.has(d.event.seq) ? [] : (seen.add(d.event.seq), [d.event.seq])));
}

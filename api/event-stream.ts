import type { ServerResponse } from 'node:http';

/** A comment line this often keeps proxies from closing a quiet stream. */
export const heartbeatMs = 15_000;

/** Answers 200 with the headers of a Server-Sent Events stream that no proxy buffers or caches. */
export function openEventStream(raw: ServerResponse): void {
  raw.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
}

/** Writes a chunk, waiting while the client's socket is full. */
export function writeChunk(raw: ServerResponse, chunk: string): Promise<void> {
  if (raw.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done);
      raw.off('close', done);
      resolve();
    };
    raw.once('drain', done);
    raw.once('close', done);
  });
}

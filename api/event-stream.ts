import type { ServerResponse } from 'node:http';
import { Wakeup } from '../notifications/wakeup.js';

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

/** What one read of a feed gives: the frames after a position, and whether rows were held back. */
export interface FeedRead<P> {
  frames: Array<{ at: P; frame: string }>;
  /** Rows committed behind a transaction still open: read again soon, not at the next poll. */
  heldBack: boolean;
}

/** Rows read at once; a full batch is followed by the next at once. */
export const feedBatchSize = 100;
// Every committed change wakes every stream it may concern; a stream asks at most this often.
const minQueryIntervalMs = 100;
// Rows committed behind a transaction still open are asked for again after this long.
const heldBackRetryMs = 200;

/**
 * Serves a feed that PostgreSQL orders (a portal's events, the work list's changes) as an open
 * Server-Sent Events stream on a hijacked reply: writes `first` (if any), then every frame after
 * `from`, then waits for a wake-up from LISTEN/NOTIFY (`subscribe`) or `pollMs`, and so on until
 * the client leaves or the server closes (`openStreams` is aborted on close). Any API process can
 * serve it: the position is the client's Last-Event-ID, so a failure only ends the stream and the
 * client resumes, missing nothing.
 */
export async function serveFeed<P>(options: {
  raw: ServerResponse;
  from: P;
  first?: string;
  read: (after: P, limit: number) => Promise<FeedRead<P>>;
  subscribe: (wake: () => void) => (() => void) | undefined;
  openStreams: Set<AbortController>;
  pollMs: number;
  onError: (err: unknown) => void;
}): Promise<void> {
  const { raw, openStreams } = options;
  openEventStream(raw);
  const closed = new AbortController();
  openStreams.add(closed);
  raw.on('close', () => closed.abort());
  const wakeup = new Wakeup();
  const unsubscribe = options.subscribe(() => wakeup.wake());
  const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), heartbeatMs);
  let position = options.from;
  try {
    if (options.first !== undefined) await writeChunk(raw, options.first);
    while (!closed.signal.aborted) {
      const began = Date.now();
      const { frames, heldBack } = await options.read(position, feedBatchSize);
      for (const { at, frame } of frames) {
        if (closed.signal.aborted) return;
        await writeChunk(raw, frame);
        position = at;
      }
      if (frames.length === feedBatchSize) continue;
      await wakeup.wait(heldBack ? heldBackRetryMs : options.pollMs, closed.signal);
      const spacing = began + minQueryIntervalMs - Date.now();
      if (spacing > 0) await new Wakeup().wait(spacing, closed.signal);
    }
  } catch (err) {
    options.onError(err);
  } finally {
    clearInterval(heartbeat);
    unsubscribe?.();
    openStreams.delete(closed);
    raw.end();
  }
}

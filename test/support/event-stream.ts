/** One Server-Sent Events frame. */
export interface EventFrame {
  id?: string;
  event?: string;
  data: string;
}

/**
 * GETs a Server-Sent Events stream and reads it with a reader until the server ends it (at most
 * `timeoutMs`); comment lines (heartbeats) are counted, not returned as frames.
 */
export async function readEventStream(url: string, headers: Record<string, string>, timeoutMs = 30_000) {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/event-stream') || !response.body)
    return notAStream(response, contentType);
  const frames: EventFrame[] = [];
  for await (const frame of framesIn(response.body)) frames.push(frame);
  return { status: response.status, contentType, frames, body: undefined };
}

/** A non-stream answer (a problem, say): its status and body, no frames. */
async function notAStream(response: Response, contentType: string) {
  const text = await response.text();
  return {
    status: response.status,
    contentType,
    frames: [] as EventFrame[],
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

/** The frame of one block of a stream (the text between blank lines); undefined for a comment. */
function frameOf(block: string): EventFrame | undefined {
  const frame: EventFrame = { data: '' };
  let isComment = true;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    isComment = false;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
    else if (field === 'data') frame.data += frame.data ? `\n${value}` : value;
  }
  return isComment ? undefined : frame;
}

/**
 * Follows a stream that does not end by itself: reads frames until `enough` holds for those
 * received, then disconnects; fails after `timeoutMs` with what came. A non-stream answer is
 * returned with its status and body.
 */
export async function followEventStream(
  url: string,
  headers: Record<string, string>,
  enough: (frames: EventFrame[]) => boolean,
  timeoutMs = 30_000,
) {
  const disconnect = new AbortController();
  const timeout = AbortSignal.timeout(timeoutMs);
  const response = await fetch(url, { headers, signal: AbortSignal.any([disconnect.signal, timeout]) });
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/event-stream') || !response.body)
    return notAStream(response, contentType);
  const frames: EventFrame[] = [];
  try {
    if (!enough(frames))
      for await (const frame of framesIn(response.body)) {
        frames.push(frame);
        if (enough(frames)) break;
      }
    if (!enough(frames)) throw new Error(`the stream ended after ${frames.length} frames`);
  } catch (err) {
    if (timeout.aborted)
      throw new Error(`the stream gave ${frames.length} frames, not enough, within ${timeoutMs} ms`);
    throw err;
  } finally {
    disconnect.abort();
  }
  return { status: response.status, contentType, frames, body: undefined };
}

/**
 * A stream held open while a test acts: every frame is kept as it arrives, `waitFor` resolves
 * with the first frame that matches (one already received, or the next), failing after
 * `timeoutMs` with what came; `close` disconnects.
 */
export async function openLiveStream(url: string, headers: Record<string, string>) {
  const disconnect = new AbortController();
  const response = await fetch(url, { headers, signal: disconnect.signal });
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/event-stream') || !response.body) {
    disconnect.abort();
    throw new Error(`not a stream: ${response.status} ${contentType}`);
  }
  const frames: EventFrame[] = [];
  const waiters = new Set<() => void>();
  const body = response.body;
  const reading = (async () => {
    for await (const frame of framesIn(body)) {
      frames.push(frame);
      for (const wake of waiters) wake();
    }
  })().catch(() => undefined);
  return {
    frames,
    async waitFor(what: string, matches: (frame: EventFrame) => boolean, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = frames.find(matches);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`no frame ${what} within ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            waiters.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, left);
          waiters.add(wake);
        });
      }
    },
    async close() {
      disconnect.abort();
      await reading;
    },
  };
}

/** The frames of an event stream's body as they arrive (a frame ends at a blank line). */
async function* framesIn(body: ReadableStream<Uint8Array>): AsyncGenerator<EventFrame> {
  let buffer = '';
  for await (const text of body.pipeThrough(new TextDecoderStream())) {
    buffer += text;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = frameOf(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (frame) yield frame;
    }
  }
}

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
  if (!contentType.startsWith('text/event-stream') || !response.body) {
    const text = await response.text();
    return {
      status: response.status,
      contentType,
      frames: [],
      body: text ? (JSON.parse(text) as unknown) : undefined,
    };
  }
  const frames: EventFrame[] = [];
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame: EventFrame = { data: '' };
      let isComment = true;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        isComment = false;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const fieldValue = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') frame.id = fieldValue;
        else if (field === 'event') frame.event = fieldValue;
        else if (field === 'data') frame.data += frame.data ? `\n${fieldValue}` : fieldValue;
      }
      if (!isComment) frames.push(frame);
    }
  }
  return { status: response.status, contentType, frames, body: undefined };
}

import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { components, paths } from './schema.js';

export type { components, paths } from './schema.js';
/** An application and its steps, as the API answers it. */
export type Application = components['schemas']['Application'];
/** One change of an application or one of its steps (SSE `data`, webhook body). */
export type ApplicationEvent = components['schemas']['ApplicationEvent'];
/** A problem (RFC 9457) with a stable `code`: every error answer. */
export type Problem = components['schemas']['Problem'];
/** The body of `POST /v1/applications`: one variant per bundle, told apart by `bundleId`. */
export type ApplicationRequest =
  paths['/v1/applications']['post']['requestBody']['content']['application/json'];

export interface ClientOptions {
  /** The API's origin, e.g. `https://onething.example.gov.cn`. */
  baseUrl: string;
  /** The portal's API key. */
  apiKey: string;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
}

/** A typed client of the whole API (openapi-fetch over the generated `paths`). */
export function createOnethingClient(options: ClientOptions) {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
export type OnethingClient = ReturnType<typeof createOnethingClient>;

/** A failed call: the problem the API answered, or none when no answer came. */
export class OnethingError extends Error {
  override readonly name = 'OnethingError';
  constructor(
    readonly status: number | undefined,
    readonly problem: Problem | undefined,
  ) {
    super(problem ? `${problem.code}: ${problem.title}` : 'no answer from the API');
  }
}

const retriedStatuses = new Set([429, 503]);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Submits an application. The Idempotency-Key is made once and sent again on every retry (no
 * answer, 429, 503), so a retry can never create a second application; the API answers the
 * first one (200) instead. Waits as Retry-After says, at most `maxWaitMs` each time.
 */
export async function startApplication(
  client: OnethingClient,
  body: ApplicationRequest,
  {
    idempotencyKey = randomUUID(),
    attempts = 4,
    maxWaitMs = 10_000,
  }: { idempotencyKey?: string; attempts?: number; maxWaitMs?: number } = {},
): Promise<{ application: Application; idempotencyKey: string; created: boolean }> {
  let last: OnethingError = new OnethingError(undefined, undefined);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const answer = await client
      .POST('/v1/applications', { body, params: { header: { 'idempotency-key': idempotencyKey } } })
      .catch(() => undefined);
    if (answer?.data) {
      return { application: answer.data, idempotencyKey, created: answer.response.status === 201 };
    }
    const status = answer?.response.status;
    last = new OnethingError(status, answer?.error);
    if (status !== undefined && !retriedStatuses.has(status)) throw last;
    const retryAfter = Number(answer?.response.headers.get('retry-after') ?? 1);
    if (attempt < attempts) await wait(Math.min(maxWaitMs, retryAfter * 1000 * attempt));
  }
  throw last;
}

export interface FollowOptions {
  baseUrl: string;
  apiKey: string;
  applicationId: string;
  /** Resume after this event's seq (as sent in a frame's `id`); from the first event by default. */
  lastEventId?: string;
  signal?: AbortSignal;
  /** How many times a dropped stream is reopened in a row before giving up. */
  reconnects?: number;
}

/** The frames of one SSE response body: `id`, `event` and `data` of each non-comment block. */
async function* framesOf(body: ReadableStream<Uint8Array>) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const frame: { id?: string; data: string } = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') frame.id = value;
        else if (field === 'data') frame.data += frame.data ? `\n${value}` : value;
      }
      if (frame.data) yield frame;
    }
  }
}

/**
 * An application's events, in order, until it ends. A dropped stream is reopened with
 * Last-Event-ID, so no event is missed or repeated; the API answers 204 once every event was
 * sent, which ends the loop.
 */
export async function* followEvents(options: FollowOptions): AsyncGenerator<ApplicationEvent> {
  let lastEventId = options.lastEventId;
  let failures = 0;
  const url = `${options.baseUrl}/v1/applications/${encodeURIComponent(options.applicationId)}/events`;
  while (!options.signal?.aborted) {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          accept: 'text/event-stream',
          ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
        },
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if (options.signal?.aborted || ++failures > (options.reconnects ?? 5)) throw err;
      await wait(Math.min(10_000, 250 * 2 ** failures));
      continue;
    }
    if (response.status === 204) return;
    if (response.status !== 200 || !response.body) {
      const problem = (await response.json().catch(() => undefined)) as Problem | undefined;
      throw new OnethingError(response.status, problem);
    }
    try {
      for await (const frame of framesOf(response.body)) {
        failures = 0;
        if (frame.id) lastEventId = frame.id;
        yield JSON.parse(frame.data) as ApplicationEvent;
      }
    } catch (err) {
      if (options.signal?.aborted || ++failures > (options.reconnects ?? 5)) throw err;
    }
  }
}

/**
 * True if a webhook delivery is genuine: `header` (onething-signature, `t=<unix seconds>,v1=<hex>`)
 * is the HMAC-SHA256, with the webhook's secret, of `<t>.<raw body>`, and `t` is within
 * `toleranceSeconds` of now (older deliveries may be replays). Pass the body exactly as received.
 */
export function verifyWebhookSignature(
  secret: string,
  rawBody: string,
  header: string | null | undefined,
  { nowSeconds = Math.floor(Date.now() / 1000), toleranceSeconds = 300 } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((part) => part.trim().split('=', 2));
  const t = parts.find(([key]) => key === 't')?.[1];
  if (!t || !/^\d{1,12}$/.test(t)) return false;
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return parts.some(
    ([key, value]) =>
      key === 'v1' &&
      value !== undefined &&
      /^[0-9a-f]{64}$/.test(value) &&
      timingSafeEqual(Buffer.from(value, 'hex'), expected),
  );
}

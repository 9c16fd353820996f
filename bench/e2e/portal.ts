import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { newborn } from '../../bundles/newborn.js';
import { finalApplicationStatuses } from '../../schemas/status.js';
import { now } from '../stats.js';

/** How the portal learns that an application ended: asking every 200 ms, or the event stream. */
export type FollowMode = 'poll' | 'sse';

/** The API as one portal reaches it. */
export interface PortalTarget {
  apiUrl: string;
  portalKey: string;
}

/** One application as the portal saw it. */
export interface Followed {
  id: string;
  status: string;
  /** Submission (POST sent) to the end seen by the portal. */
  ms: number;
  /** The POST's own answer time. */
  submitMs: number;
  /** GET requests made while following it (poll mode). */
  reads: number;
}

/** What every benchmark application submits: the bundle's example, opted in to every step. */
export const newbornExample = newborn.example;

export const pollIntervalMs = 200;
const requestTimeoutMs = 60_000;
const isFinal = (status: unknown) => (finalApplicationStatuses as readonly unknown[]).includes(status);

/** POSTs one application with a fresh Idempotency-Key and follows it until it ends. */
export async function submitAndFollow(target: PortalTarget, mode: FollowMode): Promise<Followed> {
  const started = now();
  const headers = { authorization: `Bearer ${target.portalKey}` };
  const created = await fetch(`${target.apiUrl}/v1/applications`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: JSON.stringify(newbornExample),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  const body = (await created.json()) as { id?: string; status?: string };
  if (created.status !== 201 || typeof body.id !== 'string') {
    throw new Error(
      `POST /v1/applications answered ${created.status}: ${JSON.stringify(body).slice(0, 300)}`,
    );
  }
  const { id } = body;
  const submitMs = now() - started;
  if (mode === 'sse') {
    const status = await followEvents(target, id, headers);
    return { id, status, ms: now() - started, submitMs, reads: 0 };
  }
  let reads = 0;
  for (;;) {
    await delay(pollIntervalMs);
    reads += 1;
    const read = await fetch(`${target.apiUrl}/v1/applications/${id}`, {
      headers,
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
    const view = (await read.json()) as { status?: string };
    if (read.status !== 200) throw new Error(`GET application ${id} answered ${read.status}`);
    if (isFinal(view.status)) {
      return { id, status: view.status as string, ms: now() - started, submitMs, reads };
    }
  }
}

/**
 * Reads the application's Server-Sent Events until the one of its final status (the stream
 * then ends); the status it ended with.
 */
async function followEvents(target: PortalTarget, id: string, headers: Record<string, string>) {
  const response = await fetch(`${target.apiUrl}/v1/applications/${id}/events`, {
    headers: { ...headers, accept: 'text/event-stream' },
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  if (response.status !== 200 || !response.body) {
    throw new Error(`GET application ${id} events answered ${response.status}`);
  }
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = frame
        .split('\n')
        .find((line) => line.startsWith('data: '))
        ?.slice('data: '.length);
      if (!data || !frame.includes('event: application.status_changed')) continue;
      const event = JSON.parse(data) as { status?: string };
      if (isFinal(event.status)) return event.status as string;
    }
  }
  throw new Error(`the event stream of ${id} ended before the application did`);
}

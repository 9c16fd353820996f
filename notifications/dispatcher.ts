import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { eventsAfter } from '../db/events.js';
import type { Pool } from '../db/pool.js';
import type { ClaimedDelivery, DeliveryKey } from '../db/webhook-deliveries.js';
import {
  claimDueDelivery,
  recordDelivered,
  recordFailure,
  releaseDelivery,
  seedDeliveries,
} from '../db/webhook-deliveries.js';
import { deadLetter } from '../db/webhook-failed-deliveries.js';
import type { ServiceMetrics } from '../metrics/service.js';
import type { ApplicationEvent } from '../schemas/events.js';
import type { Keyring } from '../temporal/codec.js';
import type { EventFeed } from './listener.js';
import { createReplayer } from './replays.js';
import type { DeliveryOutcome } from './replays.js';
import { eventIdHeader, signatureHeader, signWebhookBody } from './signature.js';
import { Wakeup } from './wakeup.js';
import { openWebhookSecret } from './webhook-secrets.js';
import {
  WebhookTargetRefusedError,
  checkWebhookTarget,
  guardedLookup,
  strictWebhookTargets,
  systemLookup,
} from './webhook-targets.js';
import type { HostLookup, WebhookTargetPolicy } from './webhook-targets.js';

/** Retry delays after failed deliveries: `baseMs × 2^(attempts − 1)`, at most `maxMs`. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export interface WebhookDispatcherOptions {
  pool: Pool;
  /** Wakes the dispatcher when events are written; without it, it only polls. */
  events?: EventFeed;
  /** Opens the webhook secrets, sealed with it at registration; without it only clear-text (older) ones sign. */
  keyring?: Keyring;
  /**
   * Which URLs are delivered to, checked again before every POST since DNS can change, and unless
   * private targets are allowed, also on every address the POST's connection resolves; strict
   * (public https only) when absent. A refused delivery is not sent and counts as a failed attempt.
   */
  targets?: WebhookTargetPolicy;
  /** Resolves host names for those checks and the connection; the system resolver when absent. */
  lookup?: HostLookup;
  /**
   * The connection pools of deliveries (TLS or keep-alive settings); the dispatcher's own when
   * absent. Each request passes the guarded lookup, which an agent must not replace with its own.
   */
  agents?: { http?: HttpAgent; https?: HttpsAgent };
  /** The clock of the signature timestamps. */
  now?: () => Date;
  backoff?: Partial<BackoffOptions>;
  /**
   * How long after an event happened its delivery is retried (`WEBHOOK_RETRY_FOR`): a failed
   * attempt past it gives the event up, lists it among the webhook's failed deliveries and goes
   * on with the application's next event. Also how long a replay is retried. 3 days by default.
   */
  retryForMs?: number;
  /** Per delivery, the target check included; a receiver that answers later failed. */
  timeoutMs?: number;
  /** Looks for due deliveries at least this often, also when no notification came. */
  pollIntervalMs?: number;
  /**
   * Starts a round at most this often, however many notifications come: the delay a webhook's
   * first event may wait for, in exchange for queries that do not grow with the event rate.
   */
  minRoundIntervalMs?: number;
  /** Looks for applications without a cursor this often (and after each reconnect of `events`). */
  sweepIntervalMs?: number;
  /** How long a claimed cursor stays with this dispatcher; must exceed `timeoutMs` well. */
  leaseMs?: number;
  /** Deliveries in flight at once, to distinct (webhook, application) pairs. */
  concurrency?: number;
  log?: { warn(obj: object, message: string): void };
  /** Counts attempts by outcome and times each event's lag until acknowledged. */
  metrics?: ServiceMetrics;
}

export interface WebhookDispatcher {
  start(): void;
  /** Stops claiming, aborts deliveries in flight and hands their cursors back. */
  stop(): Promise<void>;
}

export const defaultBackoff: BackoffOptions = { baseMs: 1000, maxMs: 10 * 60_000 };

/** `WEBHOOK_RETRY_FOR` unset: an event is retried for 3 days after it happened. */
export const defaultRetryForMs = 3 * 24 * 60 * 60_000;

/** The delay before attempt `attempts + 1`, after `attempts` failures in a row. */
export function backoffDelay(attempts: number, backoff: BackoffOptions): number {
  return Math.min(backoff.baseMs * 2 ** Math.max(0, attempts - 1), backoff.maxMs);
}

// Events delivered under one lease before the cursor goes back to the end of the queue.
const eventsPerClaim = 100;

type Outcome = DeliveryOutcome;

/**
 * Delivers every application event to the webhooks of the application's portal: per (webhook,
 * application) strictly in seq order, the next event only after the one before was answered
 * with a 2xx, at least once. A failing receiver delays that application's later events, never
 * another application's. Cursors are leased in PostgreSQL, so several instances share the work
 * and never send the same event at the same time.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { pool } = options;
  const now = options.now ?? (() => new Date());
  const backoff = { ...defaultBackoff, ...options.backoff };
  const retryForMs = options.retryForMs ?? defaultRetryForMs;
  const timeoutMs = options.timeoutMs ?? 5000;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const minRoundIntervalMs = options.minRoundIntervalMs ?? 100;
  const sweepIntervalMs = options.sweepIntervalMs ?? 15_000;
  const leaseMs = options.leaseMs ?? 60_000;
  const concurrency = options.concurrency ?? 8;
  const targets = options.targets ?? strictWebhookTargets;
  const lookup = options.lookup ?? systemLookup;
  // Where private targets are allowed (development, tests), connections resolve as usual.
  const connectLookup = targets.allowPrivate ? undefined : guardedLookup(lookup);
  // Pools of their own: a kept-alive socket was connected through the guarded lookup.
  const ownAgents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const agents = { ...ownAgents, ...options.agents };

  const wakeup = new Wakeup();
  const stopping = new AbortController();
  const toSeed = new Set<string>();
  let sweepDue = true;
  let lastSweep = 0;
  let retryAt = Infinity;
  let running: Promise<void> | undefined;
  let unsubscribe: (() => void) | undefined;

  async function deliver(
    delivery: { url: string },
    secret: string,
    event: ApplicationEvent,
  ): Promise<Outcome> {
    const body = JSON.stringify(event);
    const timestamp = Math.floor(now().getTime() / 1000);
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([timeout, stopping.signal]);
    try {
      const target = await abortable(checkWebhookTarget(delivery.url, targets, lookup), signal);
      if (!target.allowed) {
        const address = target.address ? ` (${target.address})` : '';
        return { ok: false, status: null, error: `target refused: ${target.reason}${address}` };
      }
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'Onething-Webhooks/1',
        [eventIdHeader]: event.id,
        [signatureHeader]: signWebhookBody(secret, body, timestamp),
      };
      const status = await post(new URL(delivery.url), headers, body, signal);
      if (status >= 200 && status < 300) return { ok: true, status };
      return { ok: false, status, error: `answered HTTP ${status}` };
    } catch (err) {
      if (timeout.aborted) return { ok: false, status: null, error: `no answer within ${timeoutMs} ms` };
      if (err instanceof WebhookTargetRefusedError) return { ok: false, status: null, error: err.message };
      const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
      return { ok: false, status: null, error: `${String(err)}${cause}` };
    }
  }

  /**
   * POSTs `body` and resolves to the status of the answer, whose body is discarded. Node's client
   * follows no redirect: a 3xx is an answer that is not 2xx, never a request somewhere else.
   */
  function post(url: URL, headers: OutgoingHttpHeaders, body: string, signal: AbortSignal) {
    const https = url.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    const agent = https ? agents.https : agents.http;
    return new Promise<number>((resolve, reject) => {
      send(url, { method: 'POST', headers, agent, lookup: connectLookup, signal }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end(body);
    });
  }

  /** Records a failed attempt at the cursor's next event; it is retried after the backoff. */
  async function failed(
    key: DeliveryKey,
    attempts: number,
    status: number | null,
    error: string,
    eventId?: string,
  ) {
    const delayMs = backoffDelay(attempts, backoff);
    await recordFailure(pool, key, { attempts, delayMs, status, error });
    retryAt = Math.min(retryAt, Date.now() + delayMs);
    options.log?.warn(
      { webhookId: key.webhookId, eventId, attempts, retryInMs: delayMs, error },
      'webhook delivery failed',
    );
  }

  function count(outcome: Outcome, event: ApplicationEvent) {
    const metrics = options.metrics;
    if (!metrics) return;
    if (outcome.ok) {
      metrics.webhookDeliveries.inc({ outcome: 'delivered' });
      metrics.webhookDeliveryLag.observe(Math.max(0, (Date.now() - Date.parse(event.at)) / 1000));
    } else {
      metrics.webhookDeliveries.inc({
        outcome: outcome.error.startsWith('target refused') ? 'refused' : 'failed',
      });
    }
  }

  /** Delivers the claimed cursor's next events in order until it is caught up or one fails. */
  async function drain(delivery: ClaimedDelivery): Promise<void> {
    const key: DeliveryKey = { webhookId: delivery.webhook_id, applicationId: delivery.application_id };
    let seq = delivery.delivered_seq;
    let failures = delivery.attempts;
    let sent = 0;
    let secret: string;
    try {
      secret = await openWebhookSecret(options.keyring, key.webhookId, {
        secret: delivery.secret,
        keyId: delivery.secret_key_id,
      });
    } catch (err) {
      // A key missing from this instance's keyring may be added back: retried like a failed delivery.
      await failed(key, failures + 1, null, err instanceof Error ? err.message : String(err));
      return;
    }
    while (sent < eventsPerClaim) {
      const events = await eventsAfter(pool, key.applicationId, seq, eventsPerClaim - sent);
      if (events.length === 0) break;
      for (const event of events) {
        const outcome = await deliver(delivery, secret, event);
        if (stopping.signal.aborted) break;
        count(outcome, event);
        if (!outcome.ok && now().getTime() - Date.parse(event.at) >= retryForMs) {
          // Given up on, not lost: listed for the portal to replay; the next event goes on.
          await deadLetter(pool, key, { seq: event.seq, attempts: failures + 1, ...outcome });
          options.log?.warn(
            { webhookId: key.webhookId, eventId: event.id, attempts: failures + 1, error: outcome.error },
            'webhook delivery given up on: listed among the failed deliveries',
          );
          failures = 0;
          seq = event.seq;
          sent += 1;
          continue;
        }
        if (!outcome.ok) {
          await failed(key, failures + 1, outcome.status, outcome.error, event.id);
          return;
        }
        await recordDelivered(pool, key, event.seq, outcome.status, leaseMs);
        failures = 0;
        seq = event.seq;
        sent += 1;
      }
      if (stopping.signal.aborted) break;
    }
    await releaseDelivery(pool, key);
  }

  /**
   * One worker: claims a due cursor, drains it, and again, until none is due. A claim that finds
   * work calls `found`, which starts another lane while there are fewer than `concurrency`: the
   * lanes grow with the work, so a round with nothing due costs one claim, not one per lane.
   */
  async function lane(found: () => void): Promise<void> {
    while (!stopping.signal.aborted) {
      const delivery = await claimDueDelivery(pool, leaseMs);
      if (!delivery) return;
      found();
      await drain(delivery);
    }
  }

  /** Lanes until none finds a due cursor; the first lane's failure, if any, once all have ended. */
  function lanes(): Promise<void> {
    return new Promise((resolve, reject) => {
      let active = 0;
      let failure: Error | undefined;
      const start = () => {
        active += 1;
        lane(() => {
          if (active < concurrency) start();
        })
          .catch((err: unknown) => {
            failure ??= err instanceof Error ? err : new Error('a webhook lane failed', { cause: err });
          })
          .finally(() => {
            active -= 1;
            if (active > 0) return;
            if (failure === undefined) resolve();
            else reject(failure);
          });
      };
      start();
    });
  }

  const replayer = createReplayer({
    pool,
    ...(options.keyring ? { keyring: options.keyring } : {}),
    send: deliver,
    delayAfter: (attempts) => backoffDelay(attempts, backoff),
    retryForMs,
    leaseMs,
    now,
    signal: stopping.signal,
    ...(options.log ? { log: options.log } : {}),
  });

  async function round(): Promise<void> {
    if (sweepDue || Date.now() - lastSweep >= sweepIntervalMs) {
      sweepDue = false;
      lastSweep = Date.now();
      toSeed.clear();
      await seedDeliveries(pool);
    } else if (toSeed.size > 0) {
      const ids = [...toSeed];
      toSeed.clear();
      await seedDeliveries(pool, ids);
    }
    await lanes();
    await replayer.runDue();
  }

  async function loop(): Promise<void> {
    while (!stopping.signal.aborted) {
      if (retryAt <= Date.now()) retryAt = Infinity;
      const began = Date.now();
      try {
        await round();
      } catch (err) {
        if (!stopping.signal.aborted) options.log?.warn({ err }, 'webhook dispatch round failed');
      }
      // A retry comes due by the clock, not by a notification: wake for it, a little late rather than early.
      const untilRetry = retryAt === Infinity ? pollIntervalMs : retryAt - Date.now() + 10;
      await wakeup.wait(Math.min(pollIntervalMs, untilRetry), stopping.signal);
      // Every committed transition notifies: under load that is hundreds a second, and a round
      // per notification would cost PostgreSQL more than the applications themselves. Rounds are
      // spaced instead; the applications notified meanwhile are seeded together in the next one.
      const spacing = began + minRoundIntervalMs - Date.now();
      if (spacing > 0) await new Wakeup().wait(spacing, stopping.signal);
    }
  }

  return {
    start() {
      if (running) return;
      unsubscribe = options.events?.subscribe((applicationId) => {
        if (applicationId === undefined) sweepDue = true;
        else toSeed.add(applicationId);
        wakeup.wake();
      });
      running = loop();
    },
    async stop() {
      stopping.abort();
      unsubscribe?.();
      await running;
      ownAgents.http.destroy();
      ownAgents.https.destroy();
    },
  };
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts. */
async function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

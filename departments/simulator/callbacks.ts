/**
 * The callback sender: a simulated department reporting a decision on an accepted case to
 * Onething, signed like every request between them, retried with backoff until Onething takes it.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { departments } from '../catalog/index.js';
import { signatureAlgorithms, signRequest } from '../signing.js';
import type { AcceptedCase } from './cases.js';
import type { CallRef, RequestLog } from './ledger.js';

/**
 * Where callbacks go and how each department signs them; set by option or `PUT /admin/callbacks`.
 * The same key can also be required on Onething's requests to the department (`verifyRequests`).
 */
export const callbackConfigSchema = z.strictObject({
  /** Onething's base URL; a callback goes to `<baseUrl>/v1/departments/<department>/callbacks`. */
  baseUrl: z.url({ protocol: /^https?$/ }),
  /** The key each department signs its callbacks with, by department id. */
  keys: z
    .record(
      z.string(),
      z.strictObject({
        keyId: z.string().min(1),
        secret: z.string().min(1),
        /** HMAC-SM3 for a department on Chinese commercial cryptography (国密); HMAC-SHA256 when absent. */
        algorithm: z.enum(signatureAlgorithms).optional(),
      }),
    )
    .superRefine((keys, context) => {
      for (const department of Object.keys(keys)) {
        if (!Object.hasOwn(departments, department)) {
          context.addIssue({ code: 'custom', path: [department], message: 'no such department' });
        }
      }
    }),
  /**
   * When true, a department with a key refuses (401 `SIGNATURE_INVALID`) every request of
   * Onething's not signed by that key. Off by default: adapters that do not sign keep working.
   */
  verifyRequests: z.boolean().optional(),
});
export type CallbackConfig = z.infer<typeof callbackConfigSchema>;

/** The JSON body of a callback: one decision on one accepted case. */
export interface CallbackBody {
  /** Fresh per callback and the same on each of its retries, so Onething can drop a duplicate. */
  callbackId: string;
  idempotencyKey: string;
  receiptNumber: string;
  outcome: 'completed' | 'rejected' | 'supplement-required';
  /** For `completed`. */
  outputs?: Record<string, unknown>;
  /** For `supplement-required`: what the applicant must send. */
  missing?: string[];
  /** For `rejected`: the department's own code and reason. */
  reasonCode?: string;
  reason?: string;
}

/** How often and how patiently a failed callback is retried: after 200 ms, 400 ms, … 3.2 s. */
export interface CallbackRetry {
  retries: number;
  baseDelayMs: number;
}
export const defaultCallbackRetry: CallbackRetry = { retries: 5, baseDelayMs: 200 };

/** One attempt gets this long for Onething's answer. */
const attemptTimeoutMs = 10_000;

/** The path Onething serves a department's callbacks on, below its base URL. */
export function callbackPath(department: string): string {
  return `/v1/departments/${encodeURIComponent(department)}/callbacks`;
}

/** The callback reporting an accepted case's decision, or its request for supplements. */
export function callbackBody(accepted: AcceptedCase): CallbackBody {
  const { verdict } = accepted;
  const base = {
    callbackId: randomUUID(),
    idempotencyKey: accepted.ref.idempotencyKey,
    receiptNumber: accepted.receiptNumber,
  };
  if (accepted.asking !== null) return { ...base, outcome: 'supplement-required', missing: accepted.asking };
  return verdict.rejection === undefined
    ? { ...base, outcome: 'completed', outputs: verdict.outputs ?? {} }
    : { ...base, outcome: 'rejected', reasonCode: verdict.rejection.code, reason: verdict.rejection.reason };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'timed out';
  // fetch reports "fetch failed" and keeps the reason (e.g. ECONNREFUSED) as the cause.
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/** Sends callbacks in the background; `close()` stops every delivery and waits for them to end. */
export class CallbackSender {
  private config: CallbackConfig | undefined;
  private controller = new AbortController();
  private readonly deliveries = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly requests: RequestLog,
    config?: CallbackConfig,
    private readonly retry: CallbackRetry = defaultCallbackRetry,
  ) {
    this.config = config;
  }

  /** Applies to every attempt from now on, including retries of callbacks already under way. */
  configure(config: CallbackConfig): void {
    this.config = config;
  }

  /** The configuration in force, or undefined before any. */
  get configuration(): CallbackConfig | undefined {
    return this.config;
  }

  /** Starts delivering the case's decision; every attempt is recorded in the request log. */
  send(accepted: AcceptedCase): void {
    if (this.closed) return;
    const delivery = this.deliver(accepted.ref, callbackBody(accepted), this.controller.signal).finally(() =>
      this.deliveries.delete(delivery),
    );
    this.deliveries.add(delivery);
  }

  /** Abandons every delivery under way (a reset); later ones are sent as usual. */
  cancelAll(): void {
    this.controller.abort();
    this.controller = new AbortController();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.controller.abort();
    await Promise.allSettled([...this.deliveries]);
  }

  private async deliver(ref: CallRef, payload: CallbackBody, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify(payload);
    for (let attempt = 1; attempt <= this.retry.retries + 1; attempt += 1) {
      const delayMs = attempt === 1 ? 0 : this.retry.baseDelayMs * 2 ** (attempt - 2);
      if (delayMs > 0 && !(await pause(delayMs, signal))) return;
      if (signal.aborted) return;
      const at = new Date().toISOString();
      const result = await this.attempt(ref.department, body, signal);
      if (signal.aborted) return;
      this.requests.add({ ...ref, kind: 'callback', status: result.status, at, attempt, ...result.failure });
      if (result.status >= 200 && result.status < 300) return;
    }
  }

  private async attempt(
    department: string,
    body: string,
    signal: AbortSignal,
  ): Promise<{ status: number; failure?: { error: string } }> {
    const config = this.config;
    const key = config === undefined ? undefined : config.keys[department];
    if (config === undefined || key === undefined) {
      return { status: 0, failure: { error: `no callback URL or key for ${department}` } };
    }
    const base = new URL(config.baseUrl);
    // Signed with the path as Onething receives it, below any path of the base URL.
    const path = `${base.pathname.replace(/\/+$/, '')}${callbackPath(department)}`;
    try {
      const response = await fetch(new URL(path, base.origin), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signRequest(key, { method: 'POST', path, body }),
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(attemptTimeoutMs)]),
      });
      await response.body?.cancel();
      return { status: response.status };
    } catch (error) {
      return { status: 0, failure: { error: describe(error) } };
    }
  }
}

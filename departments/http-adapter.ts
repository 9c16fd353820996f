import { DepartmentRejection, DepartmentUnavailable } from './adapter.js';
import type { DepartmentAdapter, DepartmentCall, DepartmentDecision } from './adapter.js';

/** Settings of a department reached over HTTP. */
export interface HttpAdapterOptions {
  /** e.g. `https://police.example.gov.cn/onething` — services are POSTed to `<baseUrl>/services/<service>`. */
  baseUrl: string;
  /** Per-request limit; past it the call counts as a transient fault. */
  timeoutMs: number;
}

/** 408 Request Timeout and 429 Too Many Requests say "try again later", not "no". */
const retryableClientStatuses = new Set([408, 429]);

interface DecisionBody {
  receiptNumber?: unknown;
  outputs?: unknown;
}
interface ProblemBody {
  code?: unknown;
  reason?: unknown;
}

/**
 * The Onething department protocol over HTTP: 2xx → decided with outputs, 4xx → business
 * rejection, except 408 and 429; 5xx, timeouts, connection errors and unreadable answers →
 * transient (retried).
 */
export function createHttpAdapter(options: HttpAdapterOptions): DepartmentAdapter {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return {
    async submit(call: DepartmentCall): Promise<DepartmentDecision> {
      const url = `${baseUrl}/services/${encodeURIComponent(call.service)}`;
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = call.signal ? AbortSignal.any([call.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': call.idempotencyKey },
          body: JSON.stringify(call.input),
          signal,
        });
      } catch (cause) {
        throw new DepartmentUnavailable(`${call.department} unreachable: ${describe(cause)}`, { cause });
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch (cause) {
        // A decision we could not read is no decision: retry, the key makes it safe.
        if (response.ok) {
          throw new DepartmentUnavailable(
            `${call.department} sent an unreadable answer: ${describe(cause)}`,
            { cause },
          );
        }
      }
      if (response.status >= 500 || retryableClientStatuses.has(response.status)) {
        throw new DepartmentUnavailable(`${call.department} answered ${response.status}: ${reasonOf(body)}`);
      }
      if (response.status >= 400) {
        const problem = (body ?? {}) as ProblemBody;
        throw new DepartmentRejection(
          typeof problem.code === 'string' ? problem.code : `HTTP_${response.status}`,
          typeof problem.reason === 'string' ? problem.reason : `rejected with HTTP ${response.status}`,
        );
      }
      const decision = (body ?? {}) as DecisionBody;
      const outputs =
        decision.outputs && typeof decision.outputs === 'object'
          ? (decision.outputs as Record<string, unknown>)
          : {};
      return typeof decision.receiptNumber === 'string'
        ? { outputs, receiptNumber: decision.receiptNumber }
        : { outputs };
    },
  };
}

function reasonOf(body: unknown): string {
  const reason = (body as ProblemBody | undefined)?.reason;
  return typeof reason === 'string' ? reason : 'no reason given';
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.name === 'TimeoutError' ? 'timed out' : cause.message;
  return String(cause);
}

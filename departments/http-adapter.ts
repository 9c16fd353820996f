import { DepartmentRejection, DepartmentUnavailable } from './adapter.js';
import type {
  CompensationCall,
  DepartmentAdapter,
  DepartmentCall,
  DepartmentDecision,
  PollQuery,
  PollResult,
  SubmitResult,
} from './adapter.js';
import { signRequest } from './signing.js';

/** How Onething proves to a department that a call is its own. */
export type HttpAuth =
  /** HMAC-SHA256 over method, path, timestamp and body (see `signing.ts`), with a shared secret. */
  | { type: 'hmac'; keyId: string; secret: string }
  /** A static token sent as `Authorization: Bearer <token>`. */
  | { type: 'bearer'; token: string };

/** Settings of a department reached over HTTP. */
export interface HttpAdapterOptions {
  /** e.g. `https://police.example.gov.cn/onething` — services are POSTed to `<baseUrl>/services/<service>`. */
  baseUrl: string;
  /** Per-request limit; past it the call counts as a transient fault. */
  timeoutMs: number;
  /** Without it requests go unsigned (a department behind a gateway that authenticates Onething). */
  auth?: HttpAuth;
  /**
   * `false` for a department that decides later only by callback and has no cases endpoint: the
   * adapter then has no `poll`, so Onething waits for the callback instead of asking. Default true.
   */
  poll?: boolean;
}

/**
 * The department refused Onething's credentials (401 or 403): a configuration fault of the two
 * systems, not a decision about the applicant, so it is retried (and shown to operators) rather
 * than rejecting the application.
 */
export class DepartmentCredentialsRefused extends DepartmentUnavailable {}

/**
 * A 4xx (or a `rejected` status) that is not the protocol's rejection: a gateway's 404 page, a
 * changed API's bare 400, a code without a reason. It says nothing about the applicant, so it is a
 * failed call: retried within the step's budget, then held for an operator, never a rejection.
 */
export class DepartmentUnexpectedAnswer extends DepartmentUnavailable {}

/** 408 Request Timeout and 429 Too Many Requests say "try again later", not "no". */
const retryableClientStatuses = new Set([408, 429]);
const credentialStatuses = new Set([401, 403]);
/**
 * The statuses the protocol rejects with: 400 for an invalid input, 422 for a decision. Other 4xx
 * (404, 405, 409, 410, 415, …) come as often from a gateway or a misrouted call as from a
 * department's judgement, so even with a code they are not taken for a "no".
 */
const rejectionStatuses = new Set([400, 422]);

interface AnswerBody {
  status?: unknown;
  receiptNumber?: unknown;
  outputs?: unknown;
  code?: unknown;
  reason?: unknown;
}

interface Answer {
  status: number;
  /** `undefined` when the body was not JSON. */
  body: AnswerBody | undefined;
}

/**
 * The Onething department protocol over HTTP. A call is `POST <baseUrl>/services/<service>`:
 * 2xx → decided with outputs; 202 `{ status: 'accepted', receiptNumber }` → accepted, decided later;
 * a rejection only when the department says so: 400 or 422 with a JSON `{ code, reason }`, or a 2xx
 * `{ status: 'rejected', code, reason }`. Everything else is a failed call, retried: any other
 * 4xx (`DepartmentUnexpectedAnswer`), 401/403 (`DepartmentCredentialsRefused`), 408, 429, 5xx,
 * timeouts, connection errors and unreadable answers. A poll is
 * `GET <baseUrl>/services/<service>/cases/<receiptNumber>`, answered the same way.
 */
export function createHttpAdapter(options: HttpAdapterOptions): DepartmentAdapter {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');

  async function exchange(
    department: string,
    request: { method: 'GET' | 'POST'; url: string; body: string; idempotencyKey: string },
    callerSignal: AbortSignal | undefined,
  ): Promise<Answer> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const headers: Record<string, string> = {
      'idempotency-key': request.idempotencyKey,
      accept: 'application/json',
      ...(request.method === 'POST' ? { 'content-type': 'application/json' } : {}),
      ...authHeaders(options.auth, request),
    };
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers,
        ...(request.method === 'POST' ? { body: request.body } : {}),
        signal,
      });
    } catch (cause) {
      throw new DepartmentUnavailable(`${department} unreachable: ${describe(cause)}`, { cause });
    }
    let body: AnswerBody | undefined;
    try {
      const parsed: unknown = await response.json();
      body = typeof parsed === 'object' && parsed !== null ? parsed : {};
    } catch (cause) {
      // A decision we could not read is no decision: retry, the key makes it safe.
      if (response.ok) {
        throw new DepartmentUnavailable(`${department} sent an unreadable answer: ${describe(cause)}`, {
          cause,
        });
      }
    }
    const { status } = response;
    if (status >= 500 || retryableClientStatuses.has(status)) {
      throw new DepartmentUnavailable(`${department} answered ${status}: ${reasonOf(body)}`);
    }
    if (credentialStatuses.has(status)) {
      throw new DepartmentCredentialsRefused(
        `${department} refused Onething's credentials (${status}): ${reasonOf(body)}; check the department's auth settings`,
      );
    }
    if (status >= 400) {
      const rejection = rejectionStatuses.has(status) ? explicitRejection(body) : undefined;
      if (rejection) throw rejection;
      throw new DepartmentUnexpectedAnswer(
        `${department} answered ${status} ${contentOf(body)}: not the protocol's rejection (400 or 422 with a code and a reason), so no decision; retried`,
      );
    }
    return { status, body };
  }

  const adapter: DepartmentAdapter = {
    async submit(call: DepartmentCall): Promise<SubmitResult> {
      const url = `${baseUrl}/services/${encodeURIComponent(call.service)}`;
      const body = JSON.stringify(call.input);
      const answer = await exchange(
        call.department,
        { method: 'POST', url, body, idempotencyKey: call.idempotencyKey },
        call.signal,
      );
      if (answer.status === 202 || answer.body?.status === 'accepted') {
        const receiptNumber = answer.body?.receiptNumber;
        if (typeof receiptNumber !== 'string' || receiptNumber === '') {
          // Without a case number Onething can neither ask about the case nor match its callback.
          throw new DepartmentUnavailable(
            `${call.department} accepted the case (${answer.status}) without a receiptNumber to follow it by`,
          );
        }
        return { accepted: true, receiptNumber };
      }
      if (answer.body?.status === 'rejected') throw rejectionIn(call.department, answer);
      return decisionOf(answer.body);
    },
    // Undo is `POST <baseUrl>/services/<service>/compensations`; any refusal leaves the step for an operator.
    async compensate(call: CompensationCall): Promise<void> {
      const url = `${baseUrl}/services/${encodeURIComponent(call.service)}/compensations`;
      const body = JSON.stringify({ receiptNumber: call.receiptNumber ?? null, outputs: call.outputs });
      try {
        await exchange(
          call.department,
          { method: 'POST', url, body, idempotencyKey: call.idempotencyKey },
          call.signal,
        );
      } catch (err) {
        if (err instanceof DepartmentRejection) {
          throw new DepartmentUnavailable(`${call.department} refused the undo: ${err.reason}`);
        }
        throw err;
      }
    },
  };
  if (options.poll === false) return adapter;

  return {
    ...adapter,
    async poll(query: PollQuery): Promise<PollResult> {
      const url = `${baseUrl}/services/${encodeURIComponent(query.service)}/cases/${encodeURIComponent(query.receiptNumber)}`;
      const answer = await exchange(
        query.department,
        { method: 'GET', url, body: '', idempotencyKey: query.idempotencyKey },
        query.signal,
      );
      const state = answer.body?.status;
      if (state === 'pending' || state === 'accepted') return { pending: true };
      if (state === 'decided') return decisionOf(answer.body);
      if (state === 'rejected') throw rejectionIn(query.department, answer);
      throw new DepartmentUnavailable(
        `${query.department} answered the case ${query.receiptNumber} without a status of pending or decided`,
      );
    },
  };
}

function authHeaders(
  auth: HttpAuth | undefined,
  request: { method: string; url: string; body: string },
): Record<string, string> {
  if (auth === undefined) return {};
  if (auth.type === 'bearer') return { authorization: `Bearer ${auth.token}` };
  // The department verifies the path it was asked for, without host or query.
  const path = new URL(request.url).pathname;
  return signRequest(
    { keyId: auth.keyId, secret: auth.secret },
    { method: request.method, path, body: request.body },
  );
}

function decisionOf(body: AnswerBody | undefined): DepartmentDecision {
  const outputs =
    body?.outputs && typeof body.outputs === 'object' ? (body.outputs as Record<string, unknown>) : {};
  return typeof body?.receiptNumber === 'string'
    ? { outputs, receiptNumber: body.receiptNumber }
    : { outputs };
}

/** The department's explicit rejection, if the body is one: a non-empty `code` and `reason`. */
function explicitRejection(body: AnswerBody | undefined): DepartmentRejection | undefined {
  const code = body?.code;
  const reason = body?.reason;
  if (typeof code !== 'string' || code.trim() === '') return undefined;
  if (typeof reason !== 'string' || reason.trim() === '') return undefined;
  return new DepartmentRejection(code, reason);
}

/** A 2xx `{ status: 'rejected' }`: the department's rejection when it gives its code and reason. */
function rejectionIn(department: string, answer: Answer): Error {
  return (
    explicitRejection(answer.body) ??
    new DepartmentUnexpectedAnswer(
      `${department} answered ${answer.status} "rejected" ${contentOf(answer.body)}: a rejection needs a code and a reason, so no decision; retried`,
    )
  );
}

/** What a non-decision answer carried, for the operator reading the failed call. */
function contentOf(body: AnswerBody | undefined): string {
  if (body === undefined) return 'with a body that is not JSON';
  // Cut short: a gateway's error text can be long, and it ends up in the step's error.
  const code = typeof body.code === 'string' && body.code !== '' ? body.code.slice(0, 100) : undefined;
  const reason =
    typeof body.reason === 'string' && body.reason !== '' ? body.reason.slice(0, 300) : undefined;
  if (code && reason) return `${code} (${reason})`;
  if (code) return `${code} without a reason`;
  if (reason) return `without a code (${reason})`;
  return 'without a code and a reason';
}

function reasonOf(body: AnswerBody | undefined): string {
  return typeof body?.reason === 'string' ? body.reason : 'no reason given';
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.name === 'TimeoutError' ? 'timed out' : cause.message;
  return String(cause);
}

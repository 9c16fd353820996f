import { DepartmentRejection, DepartmentUnavailable } from './adapter.js';
import type {
  CancelQuery,
  CancelResult,
  CompensationCall,
  DepartmentAdapter,
  DepartmentCall,
  DepartmentDecision,
  DepartmentSupplementRequest,
  PollQuery,
  PollResult,
  SubmitResult,
  SupplementCall,
} from './adapter.js';
import { signRequest } from './signing.js';
import type { SignatureAlgorithm } from './signing.js';
import { inDepartmentCallSpan } from './tracing.js';

/** How Onething proves to a department that a call is its own. */
export type HttpAuth =
  /**
   * An HMAC over method, path, timestamp and body (see `signing.ts`) with a shared secret:
   * HMAC-SHA256, or HMAC-SM3 for a department on Chinese commercial cryptography.
   */
  | { type: 'hmac'; keyId: string; secret: string; algorithm?: SignatureAlgorithm }
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
  /**
   * Most bytes of an answer read (default {@link defaultMaxAnswerBytes}). A larger answer is not
   * read into memory: it is a failed call (`DepartmentAnswerTooLarge`), retried, then held.
   */
  maxAnswerBytes?: number;
}

/**
 * 1 MiB: a protocol answer is a few hundred bytes (issued numbers, a reason), so anything near
 * this is a department's bug or something in front of it, never a decision to read.
 */
export const defaultMaxAnswerBytes = 1024 * 1024;

/**
 * The protocol's own bounds, those of a callback (`departmentCallbackSchema`): a receipt number
 * longer than a callback may name could never be matched, and a reason is shown to the applicant.
 */
const maxReceiptLength = 200;
const maxReasonCodeLength = 100;
const maxReasonLength = 2000;
/** A request for supplements lists at most this many items, each at most this long (a callback's bounds). */
export const maxMissingItems = 50;
export const maxMissingItemLength = 200;

/** The status a call, a poll or a callback asks the applicant for supplements with. */
export const supplementRequiredStatus = 'supplement-required';

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

/**
 * An answer larger than the adapter's `maxAnswerBytes`: left unread (a department's bug or a
 * misbehaving proxy must not exhaust the worker's memory, nor reach Temporal's history), so it is
 * no decision: a failed call, retried within the step's budget, then held for an operator.
 */
export class DepartmentAnswerTooLarge extends DepartmentUnavailable {}

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
  missing?: unknown;
}

/** One HTTP request of the protocol. */
interface ProtocolRequest {
  operation: 'submit' | 'poll' | 'compensate' | 'cancel' | 'supplement';
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  body: string;
  idempotencyKey: string;
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
 * timeouts, connection errors, unreadable answers and answers over `maxAnswerBytes`
 * (`DepartmentAnswerTooLarge`, never read into memory). A poll is
 * `GET <baseUrl>/services/<service>/cases/<receiptNumber>`, answered the same way; a cancellation
 * (the applicant withdrew) is `DELETE` on the same URL: `200 { status: 'cancelled' }`, or the
 * decision already made, as a poll answers it. A call or a poll may also answer 2xx
 * `{ status: 'supplement-required', receiptNumber, missing }` (补正); the applicant's answers then go
 * to `POST <case URL>/supplements` as `{ round, answers }` under the call's key, answered as a call.
 */
export function createHttpAdapter(options: HttpAdapterOptions): DepartmentAdapter {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const maxAnswerBytes = options.maxAnswerBytes ?? defaultMaxAnswerBytes;

  /** One request in a client span, whose `traceparent` lets the department's tracing join the trace. */
  function exchange(
    department: string,
    request: ProtocolRequest,
    callerSignal: AbortSignal | undefined,
  ): Promise<Answer> {
    return inDepartmentCallSpan(
      { department, operation: request.operation, method: request.method, url: request.url },
      (traceHeaders) => exchangeOnce(department, request, callerSignal, traceHeaders),
    );
  }

  async function exchangeOnce(
    department: string,
    request: ProtocolRequest,
    callerSignal: AbortSignal | undefined,
    traceHeaders: Record<string, string>,
  ): Promise<Answer> {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = callerSignal ? AbortSignal.any([callerSignal, timeout]) : timeout;
    const headers: Record<string, string> = {
      ...traceHeaders,
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
    const body = await bodyOf(department, response, maxAnswerBytes);
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
        { operation: 'submit', method: 'POST', url, body, idempotencyKey: call.idempotencyKey },
        call.signal,
      );
      return submitResultOf(call.department, answer);
    },
    // Undo is `POST <baseUrl>/services/<service>/compensations`; any refusal leaves the step for an operator.
    async compensate(call: CompensationCall): Promise<void> {
      const url = `${baseUrl}/services/${encodeURIComponent(call.service)}/compensations`;
      const body = JSON.stringify({ receiptNumber: call.receiptNumber ?? null, outputs: call.outputs });
      try {
        await exchange(
          call.department,
          { operation: 'compensate', method: 'POST', url, body, idempotencyKey: call.idempotencyKey },
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
  // A case's URL serves both its poll and its cancellation.
  const caseUrl = (service: string, receiptNumber: string) =>
    `${baseUrl}/services/${encodeURIComponent(service)}/cases/${encodeURIComponent(receiptNumber)}`;
  adapter.cancel = async (query: CancelQuery): Promise<CancelResult> => {
    let answer: Answer;
    try {
      answer = await exchange(
        query.department,
        {
          operation: 'cancel',
          method: 'DELETE',
          url: caseUrl(query.service, query.receiptNumber),
          body: '',
          idempotencyKey: `cancel:${query.idempotencyKey}`,
        },
        query.signal,
      );
    } catch (err) {
      // Rejected before the cancellation arrived: the decision stands, and there is nothing to undo.
      if (err instanceof DepartmentRejection)
        return { status: 'rejected', reasonCode: err.reasonCode, reason: err.reason };
      throw err;
    }
    const state = answer.body?.status;
    if (state === 'cancelled') return { status: 'cancelled' };
    if (state === 'decided') return { status: 'decided', ...decisionOf(query.department, answer) };
    if (state === 'rejected') {
      const rejection = rejectionIn(query.department, answer);
      if (!(rejection instanceof DepartmentRejection)) throw rejection;
      return { status: 'rejected', reasonCode: rejection.reasonCode, reason: rejection.reason };
    }
    throw new DepartmentUnavailable(
      `${query.department} answered the cancellation of case ${query.receiptNumber} without a status of cancelled or decided`,
    );
  };
  // The applicant's answers complete the case they were asked for, under the call's own key.
  adapter.supplement = async (call: SupplementCall): Promise<SubmitResult> => {
    const answer = await exchange(
      call.department,
      {
        operation: 'supplement',
        method: 'POST',
        url: `${caseUrl(call.service, call.receiptNumber)}/supplements`,
        body: JSON.stringify({ round: call.round, answers: call.answers }),
        idempotencyKey: call.idempotencyKey,
      },
      call.signal,
    );
    // A department that names no case in its answer means the case it was sent to.
    return submitResultOf(call.department, answer, call.receiptNumber);
  };
  if (options.poll === false) return adapter;

  return {
    ...adapter,
    async poll(query: PollQuery): Promise<PollResult> {
      const url = caseUrl(query.service, query.receiptNumber);
      const answer = await exchange(
        query.department,
        { operation: 'poll', method: 'GET', url, body: '', idempotencyKey: query.idempotencyKey },
        query.signal,
      );
      const state = answer.body?.status;
      if (state === 'pending' || state === 'accepted') return { pending: true };
      if (state === 'decided') return decisionOf(query.department, answer);
      if (state === 'rejected') throw rejectionIn(query.department, answer);
      if (state === supplementRequiredStatus)
        return { supplementRequired: true, missing: missingIn(query.department, answer) };
      throw new DepartmentUnavailable(
        `${query.department} answered the case ${query.receiptNumber} without a status of pending, decided or ${supplementRequiredStatus}`,
      );
    },
  };
}

/**
 * What an answer to a call (or to supplements) says: accepted with a receipt, asking for
 * supplements, rejected, or decided. `knownReceipt`: the case the request was about.
 */
function submitResultOf(department: string, answer: Answer, knownReceipt?: string): SubmitResult {
  if (answer.body?.status === supplementRequiredStatus) {
    const receiptNumber = receiptIn(department, answer) ?? knownReceipt;
    if (receiptNumber === undefined) {
      // The answers must reach the case later: without its number they could not.
      throw new DepartmentUnexpectedAnswer(
        `${department} asked for supplements (${answer.status}) without a receiptNumber to send them to; retried`,
      );
    }
    const request: DepartmentSupplementRequest = {
      supplementRequired: true,
      receiptNumber,
      missing: missingIn(department, answer),
    };
    return request;
  }
  if (answer.status === 202 || answer.body?.status === 'accepted') {
    const receiptNumber = receiptIn(department, answer) ?? knownReceipt;
    if (receiptNumber === undefined) {
      // Without a case number Onething can neither ask about the case nor match its callback.
      throw new DepartmentUnavailable(
        `${department} accepted the case (${answer.status}) without a receiptNumber to follow it by`,
      );
    }
    return { accepted: true, receiptNumber };
  }
  if (answer.body?.status === 'rejected') throw rejectionIn(department, answer);
  return decisionOf(department, answer);
}

/**
 * The items a request for supplements lists: 1 to {@link maxMissingItems} distinct, non-empty
 * strings of at most {@link maxMissingItemLength} characters. Anything else is no request the
 * applicant could answer: a failed call, retried.
 */
function missingIn(department: string, answer: Answer): string[] {
  const missing = answer.body?.missing;
  const valid =
    Array.isArray(missing) &&
    missing.length >= 1 &&
    missing.length <= maxMissingItems &&
    missing.every(
      (item) => typeof item === 'string' && item.trim() !== '' && item.length <= maxMissingItemLength,
    ) &&
    new Set(missing).size === missing.length;
  if (!valid) {
    throw new DepartmentUnexpectedAnswer(
      `${department} asked for supplements (${answer.status}) without a valid "missing" list (1 to ${maxMissingItems} distinct items of at most ${maxMissingItemLength} characters); retried`,
    );
  }
  return missing as string[];
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
    { keyId: auth.keyId, secret: auth.secret, ...(auth.algorithm ? { algorithm: auth.algorithm } : {}) },
    { method: request.method, path, body: request.body },
  );
}

function decisionOf(department: string, answer: Answer): DepartmentDecision {
  const { body } = answer;
  const outputs =
    body?.outputs && typeof body.outputs === 'object' ? (body.outputs as Record<string, unknown>) : {};
  const receiptNumber = receiptIn(department, answer);
  return receiptNumber === undefined ? { outputs } : { outputs, receiptNumber };
}

/** The answer's receipt number, if it gives one within the protocol's bound. */
function receiptIn(department: string, answer: Answer): string | undefined {
  const receiptNumber = answer.body?.receiptNumber;
  if (typeof receiptNumber !== 'string' || receiptNumber === '') return undefined;
  if (receiptNumber.length > maxReceiptLength) {
    throw new DepartmentUnexpectedAnswer(
      `${department} answered ${answer.status} with a receiptNumber of ${receiptNumber.length} characters (at most ${maxReceiptLength}), so no decision; retried`,
    );
  }
  return receiptNumber;
}

/**
 * The answer's body as JSON; undefined when it is not JSON. A 2xx that cannot be read is thrown
 * (a decision we could not read is no decision: retried, the key makes it safe), and so is any
 * answer over `maxBytes`, whatever its status.
 */
async function bodyOf(
  department: string,
  response: Response,
  maxBytes: number,
): Promise<AnswerBody | undefined> {
  let text: string | undefined;
  try {
    text = await readCapped(response, maxBytes);
  } catch (cause) {
    // Cut off mid-answer (a timeout, a dropped connection).
    if (response.ok) {
      throw new DepartmentUnavailable(`${department} sent an unreadable answer: ${describe(cause)}`, {
        cause,
      });
    }
    return undefined;
  }
  if (text === undefined) {
    throw new DepartmentAnswerTooLarge(
      `${department} answered ${response.status} with more than ${bytesInWords(maxBytes)} (the adapter's maxAnswerBytes): not read, so no decision; retried`,
    );
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch (cause) {
    if (!response.ok) return undefined;
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new DepartmentUnavailable(
      `${department} sent an unreadable answer (${response.status}, ${type.slice(0, 100)}): ${describe(cause)}`,
      { cause },
    );
  }
}

/**
 * The body's text, or undefined when it is longer than `max` bytes: then it is not read on (the
 * connection is let go), whether or not the department declared its length.
 */
async function readCapped(response: Response, max: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (response.body === null) return '';
  // Node's fetch types the body's chunks loosely; they are bytes.
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function bytesInWords(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** The department's explicit rejection, if the body is one: a non-empty `code` and `reason`. */
function explicitRejection(body: AnswerBody | undefined): DepartmentRejection | undefined {
  const code = body?.code;
  const reason = body?.reason;
  if (typeof code !== 'string' || code.trim() === '' || code.length > maxReasonCodeLength) return undefined;
  if (typeof reason !== 'string' || reason.trim() === '') return undefined;
  // The reason is the department's prose for the applicant: cut, not refused, when it runs long.
  return new DepartmentRejection(
    code,
    reason.length > maxReasonLength ? `${reason.slice(0, maxReasonLength - 1)}…` : reason,
  );
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
  // Cut short like `contentOf`: it ends up in the step's error and the call's failure.
  return typeof body?.reason === 'string' ? body.reason.slice(0, 300) : 'no reason given';
}

function describe(cause: unknown): string {
  if (cause instanceof Error)
    return cause.name === 'TimeoutError' ? 'timed out' : cause.message.slice(0, 300);
  return String(cause).slice(0, 300);
}

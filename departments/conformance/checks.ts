/**
 * The department conformance kit: checks that an adapter and the system behind it keep the
 * promises the engine relies on. Each check is a plain async function, so a test can run one and
 * expect it to fail; `describe.ts` wraps them all as a vitest suite.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { DepartmentRejection, DepartmentUnavailable, isAcceptance } from '../adapter.js';
import type { DepartmentAdapter, DepartmentCall, PollResult, SubmitResult } from '../adapter.js';
import { findService } from '../catalog/index.js';
import type { ServiceDefinition } from '../definition.js';
import type { CallbackInbox } from './callback-inbox.js';

/** Makes the department accept a call and decide it only when told: for the poll and callback checks. */
export interface LaterHooks {
  /** From now on the department answers a valid call with 202 and a receipt, and decides later. */
  arrange: () => Promise<void>;
  /** The department decides the accepted case now, in the applicant's favour. */
  decide: (receiptNumber: string) => Promise<void>;
  /** Back to deciding at once. */
  restore: () => Promise<void>;
}

/** What a department team gives the kit: its adapter, one of its services, and hooks into its system. */
export interface ConformanceTarget {
  /** The adapter under test, configured as in production but with a short timeout (e.g. 300 ms). */
  adapter: DepartmentAdapter;
  department: string;
  service: string;
  /** An input the service decides in the applicant's favour (see `sampleInput`). */
  validInput: Record<string, unknown>;
  /**
   * How many times the department acted (issued, registered, opened a case) on calls made under
   * this idempotency key: for the simulator, its `/admin/ledger`; for a real system, its audit log.
   */
  sideEffects: (idempotencyKey: string) => Promise<number>;
  /** Transient faults of the department, for the retry checks. Without them those checks are skipped. */
  faults?: {
    /** The department's next answer is a transient failure (e.g. 503), without side effect. */
    failNext: () => Promise<void>;
    /** The department answers slower than the adapter's timeout until `clear`. */
    stall?: () => Promise<void>;
    /** Undoes `failNext` and `stall`. */
    clear: () => Promise<void>;
  };
  /** A case the department decides against the applicant, and the code and reason it gives. */
  rejection?: {
    /** The input it rejects; `validInput` when absent (with `arrange` making the department say no). */
    input?: Record<string, unknown>;
    arrange?: () => Promise<void>;
    restore?: () => Promise<void>;
    reasonCode: string;
    /** The department's reason text, when it is fixed; otherwise any non-empty text passes. */
    reason?: string;
  };
  /** The same adapter with a wrong secret: the department must refuse it, acting on nothing. */
  signature?: { adapterWithWrongSecret: DepartmentAdapter };
  /** For a service that can decide later: how to make it, and how it reports. */
  decidesLater?: {
    byPoll?: LaterHooks;
    /** `inbox` receives the callbacks (see `startCallbackInbox`), checking their signatures. */
    byCallback?: LaterHooks & { inbox: CallbackInbox; timeoutMs?: number };
  };
  /** A fresh idempotency key per call sequence; `conformance-<uuid>` by default. */
  newKey?: () => string;
}

/** Ids of the checks, stable so a test or a report can name them. */
export type CheckId =
  | 'decides'
  | 'idempotent'
  | 'invalid-input'
  | 'rejection'
  | 'transient-failure'
  | 'timeout'
  | 'signature'
  | 'poll'
  | 'callback';

export type CheckResult = { status: 'passed' } | { status: 'skipped'; reason: string };

/** A broken promise, naming the check and what the department or adapter did instead. */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
  constructor(
    readonly check: CheckId,
    message: string,
  ) {
    super(`${check}: ${message}`);
  }
}

export interface ConformanceCheck {
  id: CheckId;
  title: string;
  run(target: ConformanceTarget): Promise<CheckResult>;
}

const passed: CheckResult = { status: 'passed' };
const skipped = (reason: string): CheckResult => ({ status: 'skipped', reason });

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

function describeError(error: unknown): string {
  if (error instanceof DepartmentRejection) return `DepartmentRejection ${error.reasonCode}: ${error.reason}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function describeResult(result: SubmitResult | PollResult): string {
  return JSON.stringify(result);
}

function keyFor(target: ConformanceTarget, check: CheckId): string {
  return target.newKey?.() ?? `conformance-${check}-${randomUUID()}`;
}

function callOf(
  target: ConformanceTarget,
  idempotencyKey: string,
  attempt = 1,
  input = target.validInput,
): DepartmentCall {
  return { department: target.department, service: target.service, input, idempotencyKey, attempt };
}

function serviceOf(target: ConformanceTarget, check: CheckId): ServiceDefinition {
  const service = findService(target.department, target.service);
  if (!service)
    throw new ConformanceFailure(
      check,
      `the catalogue has no service ${target.department}/${target.service}`,
    );
  return service;
}

/** The outputs are exactly what the catalogue says the service returns. */
function expectOutputs(target: ConformanceTarget, check: CheckId, outputs: unknown): void {
  const parsed = serviceOf(target, check).output.strict().safeParse(outputs);
  if (!parsed.success) {
    const fields = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(outputs)'}: ${issue.message}`)
      .join('; ');
    throw new ConformanceFailure(
      check,
      `outputs do not match ${target.department}/${target.service}'s output schema: ${fields}`,
    );
  }
}

/** Submits and expects an answer in the applicant's favour: a decision or an acceptance. */
async function expectAnswer(
  target: ConformanceTarget,
  check: CheckId,
  call: DepartmentCall,
  adapter: DepartmentAdapter = target.adapter,
): Promise<SubmitResult> {
  const result = await settle(adapter.submit(call));
  if (!result.ok)
    throw new ConformanceFailure(
      check,
      `a valid input (key ${call.idempotencyKey}) was not decided: ${describeError(result.error)}`,
    );
  return result.value;
}

async function expectAcceptance(target: ConformanceTarget, check: CheckId, call: DepartmentCall) {
  const result = await expectAnswer(target, check, call);
  if (!isAcceptance(result))
    throw new ConformanceFailure(
      check,
      `the department was arranged to decide later but answered ${describeResult(result)}`,
    );
  if (typeof result.receiptNumber !== 'string' || result.receiptNumber === '')
    throw new ConformanceFailure(check, 'an acceptance must carry the receipt number to follow the case by');
  return result;
}

async function expectSideEffects(
  target: ConformanceTarget,
  check: CheckId,
  key: string,
  expected: number,
): Promise<void> {
  const count = await target.sideEffects(key);
  if (count === expected) return;
  const hint =
    count === 0 && expected > 0
      ? ' — does the adapter send the engine’s idempotency key, unchanged, on every call?'
      : count > expected
        ? ' — the department acted again for a repeated key: a retry must replay, not redo'
        : '';
  throw new ConformanceFailure(
    check,
    `expected ${expected} side effect(s) under key ${key}, the department recorded ${count}${hint}`,
  );
}

/** Expects the call to fail as a transient fault, which the engine retries. */
async function expectTransient(check: CheckId, promise: Promise<SubmitResult>, what: string): Promise<void> {
  const result = await settle(promise);
  if (result.ok)
    throw new ConformanceFailure(
      check,
      `${what}, yet the adapter resolved with ${describeResult(result.value)}`,
    );
  if (!(result.error instanceof DepartmentUnavailable))
    throw new ConformanceFailure(
      check,
      `${what}: expected DepartmentUnavailable (retried by the engine), got ${describeError(result.error)}`,
    );
}

async function expectRejection(
  check: CheckId,
  promise: Promise<unknown>,
  expected: { reasonCode?: string; reason?: string },
): Promise<DepartmentRejection> {
  const result = await settle(promise);
  if (result.ok)
    throw new ConformanceFailure(
      check,
      `expected a DepartmentRejection, got ${JSON.stringify(result.value)}`,
    );
  const error = result.error;
  if (!(error instanceof DepartmentRejection))
    throw new ConformanceFailure(
      check,
      `expected a DepartmentRejection (final, shown to the applicant), got ${describeError(error)}`,
    );
  if (expected.reasonCode !== undefined && error.reasonCode !== expected.reasonCode)
    throw new ConformanceFailure(
      check,
      `expected reason code ${expected.reasonCode}, got ${error.reasonCode} (${error.reason})`,
    );
  if (expected.reason !== undefined && error.reason !== expected.reason)
    throw new ConformanceFailure(check, `expected the reason "${expected.reason}", got "${error.reason}"`);
  if (error.reasonCode === '' || error.reason === '')
    throw new ConformanceFailure(
      check,
      'a rejection needs a reason code and a reason the applicant can read',
    );
  return error;
}

/** Runs `body`, then `restore` even if `body` failed, so one check never leaves the department changed. */
async function arranged<T>(
  arrange: (() => Promise<void>) | undefined,
  restore: (() => Promise<void>) | undefined,
  body: () => Promise<T>,
): Promise<T> {
  await arrange?.();
  try {
    return await body();
  } finally {
    await restore?.();
  }
}

const decides: ConformanceCheck = {
  id: 'decides',
  title: 'decides a valid input, with outputs matching the service’s output schema',
  async run(target) {
    const result = await expectAnswer(target, 'decides', callOf(target, keyFor(target, 'decides')));
    if (isAcceptance(result)) {
      // Decided later: the outputs are checked by the poll and callback checks.
      if (result.receiptNumber === '')
        throw new ConformanceFailure('decides', 'an acceptance must carry a receipt number');
      return passed;
    }
    expectOutputs(target, 'decides', result.outputs);
    if (
      result.receiptNumber !== undefined &&
      (typeof result.receiptNumber !== 'string' || result.receiptNumber === '')
    )
      throw new ConformanceFailure('decides', 'a receipt number, when given, is a non-empty string');
    return passed;
  },
};

const idempotent: ConformanceCheck = {
  id: 'idempotent',
  title: 'acts once per idempotency key: a retry, or two calls at once, replay the first answer',
  async run(target) {
    const key = keyFor(target, 'idempotent');
    const first = await expectAnswer(target, 'idempotent', callOf(target, key, 1));
    const retry = await expectAnswer(target, 'idempotent', callOf(target, key, 2));
    if (!isDeepStrictEqual(first, retry))
      throw new ConformanceFailure(
        'idempotent',
        `a retry with the same key got another answer: ${describeResult(first)} then ${describeResult(retry)}`,
      );
    await expectSideEffects(target, 'idempotent', key, 1);

    // A retry can overlap the call it repeats (the first timed out on Onething's side only).
    const together = keyFor(target, 'idempotent');
    const [a, b] = await Promise.all([
      expectAnswer(target, 'idempotent', callOf(target, together, 1)),
      expectAnswer(target, 'idempotent', callOf(target, together, 2)),
    ]);
    if (!isDeepStrictEqual(a, b))
      throw new ConformanceFailure(
        'idempotent',
        `two concurrent calls with one key got different answers: ${describeResult(a)} and ${describeResult(b)}`,
      );
    await expectSideEffects(target, 'idempotent', together, 1);
    return passed;
  },
};

const invalidInput: ConformanceCheck = {
  id: 'invalid-input',
  title: 'rejects an input without the required fields (final, not retried)',
  async run(target) {
    const fields = Object.keys(serviceOf(target, 'invalid-input').input.shape);
    if (fields.length === 0) return skipped('the service takes no input');
    const key = keyFor(target, 'invalid-input');
    await expectRejection('invalid-input', target.adapter.submit(callOf(target, key, 1, {})), {});
    await expectSideEffects(target, 'invalid-input', key, 0);
    return passed;
  },
};

const rejection: ConformanceCheck = {
  id: 'rejection',
  title: 'maps a rejection to DepartmentRejection with the department’s reason code and text',
  async run(target) {
    const rule = target.rejection;
    if (!rule) return skipped('no rejection hook: give `rejection` to check how the department says no');
    await arranged(rule.arrange, rule.restore, async () => {
      const key = keyFor(target, 'rejection');
      const input = rule.input ?? target.validInput;
      const expected = {
        reasonCode: rule.reasonCode,
        ...(rule.reason !== undefined && { reason: rule.reason }),
      };
      const first = await expectRejection(
        'rejection',
        target.adapter.submit(callOf(target, key, 1, input)),
        expected,
      );
      // A rejection is final: asking again with the key gets the same answer.
      const again = await expectRejection(
        'rejection',
        target.adapter.submit(callOf(target, key, 2, input)),
        expected,
      );
      if (again.reason !== first.reason)
        throw new ConformanceFailure('rejection', 'a retry of a rejected call got another reason');
      await expectSideEffects(target, 'rejection', key, 0);
    });
    return passed;
  },
};

const transientFailure: ConformanceCheck = {
  id: 'transient-failure',
  title: 'surfaces a failing department as DepartmentUnavailable, and the retry acts once',
  async run(target) {
    const faults = target.faults;
    if (!faults) return skipped('no faults hook: give `faults.failNext` to check transient failures');
    await arranged(faults.failNext, faults.clear, async () => {
      const key = keyFor(target, 'transient-failure');
      await expectTransient(
        'transient-failure',
        target.adapter.submit(callOf(target, key, 1)),
        'the department failed without deciding',
      );
      await expectAnswer(target, 'transient-failure', callOf(target, key, 2));
      await expectSideEffects(target, 'transient-failure', key, 1);
    });
    return passed;
  },
};

const timeout: ConformanceCheck = {
  id: 'timeout',
  title: 'gives up on a department slower than the timeout as DepartmentUnavailable, and the retry acts once',
  async run(target) {
    const faults = target.faults;
    if (!faults?.stall) return skipped('no faults.stall hook: give one to check timeouts');
    const key = keyFor(target, 'timeout');
    await arranged(faults.stall, faults.clear, () =>
      expectTransient(
        'timeout',
        target.adapter.submit(callOf(target, key, 1)),
        'the department was slower than the timeout',
      ),
    );
    await expectAnswer(target, 'timeout', callOf(target, key, 2));
    await expectSideEffects(target, 'timeout', key, 1);
    return passed;
  },
};

const signature: ConformanceCheck = {
  id: 'signature',
  title: 'is refused by the department when signed with a wrong secret, acting on nothing',
  async run(target) {
    if (!target.signature)
      return skipped('no signature hook: give `signature.adapterWithWrongSecret` to check request signing');
    const key = keyFor(target, 'signature');
    const result = await settle(target.signature.adapterWithWrongSecret.submit(callOf(target, key)));
    if (result.ok)
      throw new ConformanceFailure(
        'signature',
        `the department accepted a call signed with a wrong secret: ${describeResult(result.value)}`,
      );
    if (result.error instanceof DepartmentRejection)
      throw new ConformanceFailure(
        'signature',
        `a refused signature is a key problem between the systems, not a decision about the applicant; got ${describeError(result.error)}`,
      );
    await expectSideEffects(target, 'signature', key, 0);
    return passed;
  },
};

const poll: ConformanceCheck = {
  id: 'poll',
  title: 'accepts a case (202 with receipt), answers polls pending, then decided with valid outputs',
  async run(target) {
    const hooks = target.decidesLater?.byPoll;
    if (!hooks) return skipped('no decidesLater.byPoll hook: the service decides at once');
    const adapterPoll = target.adapter.poll?.bind(target.adapter);
    if (!adapterPoll)
      throw new ConformanceFailure('poll', 'the service decides later by poll but the adapter has no poll()');
    await arranged(hooks.arrange, hooks.restore, async () => {
      const key = keyFor(target, 'poll');
      const accepted = await expectAcceptance(target, 'poll', callOf(target, key, 1));
      const again = await expectAcceptance(target, 'poll', callOf(target, key, 2));
      if (again.receiptNumber !== accepted.receiptNumber)
        throw new ConformanceFailure('poll', 'a retry of an accepted call opened another case');
      await expectSideEffects(target, 'poll', key, 1);
      const query = {
        department: target.department,
        service: target.service,
        receiptNumber: accepted.receiptNumber,
        idempotencyKey: key,
      };
      const before = await settle(adapterPoll(query));
      if (!before.ok || !before.value.pending)
        throw new ConformanceFailure(
          'poll',
          `an undecided case must poll as pending, got ${before.ok ? describeResult(before.value) : describeError(before.error)}`,
        );
      await hooks.decide(accepted.receiptNumber);
      const after = await settle(adapterPoll(query));
      if (!after.ok || after.value.pending)
        throw new ConformanceFailure(
          'poll',
          `a decided case must poll as decided, got ${after.ok ? describeResult(after.value) : describeError(after.error)}`,
        );
      expectOutputs(target, 'poll', after.value.outputs);
    });
    return passed;
  },
};

const callback: ConformanceCheck = {
  id: 'callback',
  title: 'accepts a case (202 with receipt), then calls back signed, naming the key and the receipt',
  async run(target) {
    const hooks = target.decidesLater?.byCallback;
    if (!hooks) return skipped('no decidesLater.byCallback hook: the service does not call back');
    await arranged(hooks.arrange, hooks.restore, async () => {
      const key = keyFor(target, 'callback');
      const accepted = await expectAcceptance(target, 'callback', callOf(target, key));
      await hooks.decide(accepted.receiptNumber);
      const received = await hooks.inbox
        .next(target.department, accepted.receiptNumber, hooks.timeoutMs)
        .catch((error: unknown) => {
          throw new ConformanceFailure('callback', describeError(error));
        });
      if (!received.signature.ok)
        throw new ConformanceFailure(
          'callback',
          `the callback's signature does not verify with the department's callback keys (${received.signature.failure})`,
        );
      const body = (received.body ?? {}) as Record<string, unknown>;
      if (typeof body['callbackId'] !== 'string' || body['callbackId'] === '')
        throw new ConformanceFailure(
          'callback',
          'a callback needs a callbackId, so a repeat can be recognised',
        );
      if (body['idempotencyKey'] !== key)
        throw new ConformanceFailure(
          'callback',
          `the callback names key ${String(body['idempotencyKey'])}, not the call's ${key}`,
        );
      if (body['outcome'] !== 'completed')
        throw new ConformanceFailure(
          'callback',
          `expected outcome "completed", got ${String(body['outcome'])}`,
        );
      expectOutputs(target, 'callback', body['outputs']);
    });
    return passed;
  },
};

/** Every check, in the order a suite runs them. */
export const conformanceChecks: readonly ConformanceCheck[] = [
  decides,
  idempotent,
  invalidInput,
  rejection,
  transientFailure,
  timeout,
  signature,
  poll,
  callback,
];

/** Runs one check by id; throws `ConformanceFailure` when the target breaks it. */
export async function runConformanceCheck(id: CheckId, target: ConformanceTarget): Promise<CheckResult> {
  const check = conformanceChecks.find((c) => c.id === id);
  if (!check) throw new Error(`no conformance check ${id}`);
  return check.run(target);
}

/** One line of a conformance report. */
export interface CheckReport {
  id: CheckId;
  title: string;
  status: 'passed' | 'skipped' | 'failed';
  /** Why it was skipped or how it failed. */
  detail?: string;
}

/** Runs every check, one after another, and reports each: for a script or a CI step without vitest. */
export async function runConformance(target: ConformanceTarget): Promise<CheckReport[]> {
  const reports: CheckReport[] = [];
  for (const check of conformanceChecks) {
    const result = await settle(check.run(target));
    if (result.ok) {
      reports.push({
        id: check.id,
        title: check.title,
        status: result.value.status,
        ...(result.value.status === 'skipped' && { detail: result.value.reason }),
      });
    } else {
      reports.push({
        id: check.id,
        title: check.title,
        status: 'failed',
        detail: describeError(result.error),
      });
    }
  }
  return reports;
}

/**
 * What the checks expect of an answer, each failing with a `ConformanceFailure` that names the
 * check and what the department or adapter did instead.
 */
import { randomUUID } from 'node:crypto';
import { DepartmentRejection, DepartmentUnavailable, isAcceptance } from '../adapter.js';
import type { DepartmentAdapter, DepartmentCall, PollResult, SubmitResult } from '../adapter.js';
import { findService } from '../catalog/index.js';
import type { ServiceDefinition } from '../definition.js';
import { ConformanceFailure } from './target.js';
import type { CheckId, ConformanceTarget } from './target.js';

/** A promise's outcome, kept rather than thrown, so a check can say what it got instead. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** An error as a check's message quotes it: a rejection with its code and reason. */
export function describeError(error: unknown): string {
  if (error instanceof DepartmentRejection) return `DepartmentRejection ${error.reasonCode}: ${error.reason}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/** An answer as a check's message quotes it. */
export function describeResult(result: SubmitResult | PollResult): string {
  return JSON.stringify(result);
}

/** A fresh idempotency key for one call sequence of `check`. */
export function keyFor(target: ConformanceTarget, check: CheckId): string {
  return target.newKey?.() ?? `conformance-${check}-${randomUUID()}`;
}

/** A call of the target's service under `idempotencyKey`, with the valid input unless told otherwise. */
export function callOf(
  target: ConformanceTarget,
  idempotencyKey: string,
  attempt = 1,
  input = target.validInput,
): DepartmentCall {
  return { department: target.department, service: target.service, input, idempotencyKey, attempt };
}

/** The target's service in the catalogue; a target naming none fails the check. */
export function serviceOf(target: ConformanceTarget, check: CheckId): ServiceDefinition {
  const service = findService(target.department, target.service);
  if (!service)
    throw new ConformanceFailure(
      check,
      `the catalogue has no service ${target.department}/${target.service}`,
    );
  return service;
}

/** The outputs are exactly what the catalogue says the service returns. */
export function expectOutputs(target: ConformanceTarget, check: CheckId, outputs: unknown): void {
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
export async function expectAnswer(
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

/** Submits and expects an acceptance (202 with a receipt): the department decides later. */
export async function expectAcceptance(target: ConformanceTarget, check: CheckId, call: DepartmentCall) {
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

/** Expects the department to have acted `expected` times under `key`, with a hint at the usual cause. */
export async function expectSideEffects(
  target: ConformanceTarget,
  check: CheckId,
  key: string,
  expected: number,
): Promise<void> {
  if (!target.sideEffects) return;
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
export async function expectTransient(
  check: CheckId,
  promise: Promise<SubmitResult>,
  what: string,
): Promise<void> {
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

/** Expects the department's explicit rejection: final, with a reason code and a reason the applicant can read. */
export async function expectRejection(
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
export async function arranged<T>(
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

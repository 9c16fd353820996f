/**
 * The department conformance kit: checks that an adapter and the system behind it keep the
 * promises the engine relies on. Each check is a plain async function, so a test can run one and
 * expect it to fail; `describe.ts` wraps them all as a vitest suite.
 */
import { isDeepStrictEqual } from 'node:util';
import { DepartmentRejection, isAcceptance, isSupplementRequest } from '../adapter.js';
import type { DepartmentDecision } from '../adapter.js';
import {
  arranged,
  callOf,
  describeError,
  describeResult,
  expectAcceptance,
  expectAnswer,
  expectOutputs,
  expectRejection,
  expectSideEffects,
  expectTransient,
  keyFor,
  serviceOf,
  settle,
} from './expectations.js';
import { ConformanceFailure } from './target.js';
import type { CheckId, CheckResult, ConformanceCheck, ConformanceTarget } from './target.js';

export { ConformanceFailure } from './target.js';
export type { CheckId, CheckResult, ConformanceCheck, ConformanceTarget, LaterHooks } from './target.js';

const passed: CheckResult = { status: 'passed' };
const skipped = (reason: string): CheckResult => ({ status: 'skipped', reason });

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
    // Asking the applicant first is an answer too; the supplement check follows such a case.
    if (isSupplementRequest(result)) return passed;
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

/** The service name the misrouted check asks for: one no department has. */
const missingService = (target: ConformanceTarget) => `${target.service}-conformance-missing`;

const misrouted: ConformanceCheck = {
  id: 'misrouted',
  title:
    'takes a call the department cannot route (a service it does not have) for a failed call, not a rejection',
  async run(target) {
    // What a misrouted gateway or a changed API answers (404, a bare 400) is no decision about
    // the applicant: only the department's explicit "no" with its reason code may reject.
    const key = keyFor(target, 'misrouted');
    const call = { ...callOf(target, key), service: missingService(target) };
    const result = await settle(target.adapter.submit(call));
    if (result.ok)
      throw new ConformanceFailure(
        'misrouted',
        `a call to ${target.department}/${call.service}, which does not exist, was answered ${describeResult(result.value)}`,
      );
    if (result.error instanceof DepartmentRejection)
      throw new ConformanceFailure(
        'misrouted',
        `an answer that is not the department's "no" (e.g. 404) must be a failed call, retried, not a rejection of the applicant; got ${describeError(result.error)}`,
      );
    await expectSideEffects(target, 'misrouted', key, 0);
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
      if (!after.ok || after.value.pending || isSupplementRequest(after.value))
        throw new ConformanceFailure(
          'poll',
          `a decided case must poll as decided, got ${after.ok ? describeResult(after.value) : describeError(after.error)}`,
        );
      expectOutputs(target, 'poll', (after.value as DepartmentDecision).outputs);
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

const undo: ConformanceCheck = {
  id: 'undo',
  title: 'undoes a decided call when the service declares an undo, and a repeated undo is harmless',
  async run(target) {
    if (!serviceOf(target, 'undo').undo) return skipped('the service declares no undo');
    const compensate = target.adapter.compensate?.bind(target.adapter);
    if (!compensate)
      throw new ConformanceFailure(
        'undo',
        'the service declares an undo but the adapter has no compensate()',
      );
    const key = keyFor(target, 'undo');
    const decided = await expectAnswer(target, 'undo', callOf(target, key));
    if (isAcceptance(decided) || isSupplementRequest(decided))
      return skipped('the service decided later; the undo is checked on a decided call');
    const call = {
      department: target.department,
      service: target.service,
      outputs: decided.outputs,
      ...(decided.receiptNumber ? { receiptNumber: decided.receiptNumber } : {}),
      idempotencyKey: `undo:${key}`,
    };
    for (const attempt of ['the undo', 'a repeat of the undo']) {
      const result = await settle(compensate(call));
      if (!result.ok)
        throw new ConformanceFailure('undo', `${attempt} failed: ${describeError(result.error)}`);
    }
    return passed;
  },
};

const cancel: ConformanceCheck = {
  id: 'cancel',
  title: 'cancels an accepted, undecided case (withdrawal), repeatably, and never decides it after',
  async run(target) {
    const cancelCase = target.adapter.cancel?.bind(target.adapter);
    if (!cancelCase) return skipped('the adapter has no cancel(): a withdrawn case cannot be cancelled');
    // With a hook the kit makes the department decide later; a live system may do so by itself.
    const hooks = target.decidesLater?.byPoll ?? target.decidesLater?.byCallback;
    return arranged(hooks?.arrange, hooks?.restore, async () => {
      const key = keyFor(target, 'cancel');
      const answer = await expectAnswer(target, 'cancel', callOf(target, key));
      if (!isAcceptance(answer)) return skipped('the service decided at once: there was no case to cancel');
      const query = {
        department: target.department,
        service: target.service,
        receiptNumber: answer.receiptNumber,
        idempotencyKey: key,
      };
      const first = await settle(cancelCase(query));
      if (!first.ok || first.value.status !== 'cancelled')
        throw new ConformanceFailure(
          'cancel',
          `an undecided case must answer "cancelled", got ${first.ok ? JSON.stringify(first.value) : describeError(first.error)}`,
        );
      // The department's own process may still try to decide it: a cancelled case stays cancelled.
      await hooks?.decide(answer.receiptNumber).catch(() => undefined);
      const again = await settle(cancelCase(query));
      if (!again.ok || again.value.status !== 'cancelled')
        throw new ConformanceFailure(
          'cancel',
          `a repeated cancellation must answer "cancelled" again, got ${again.ok ? JSON.stringify(again.value) : describeError(again.error)}`,
        );
      return passed;
    });
  },
};

const supplements: ConformanceCheck = {
  id: 'supplements',
  title:
    'asks for every missing item at once, takes the answers under the call’s key, and acts once per round',
  async run(target) {
    const hooks = target.asksForSupplements;
    return arranged(hooks?.arrange, hooks?.restore, async () => {
      const key = keyFor(target, 'supplements');
      const asked = await expectAnswer(target, 'supplements', callOf(target, key));
      if (!isSupplementRequest(asked)) {
        if (hooks)
          throw new ConformanceFailure(
            'supplements',
            `the department was arranged to ask for supplements but answered ${describeResult(asked)}`,
          );
        return skipped('the service did not ask for supplements for the valid input');
      }
      const { missing, receiptNumber } = asked;
      if (typeof receiptNumber !== 'string' || receiptNumber === '')
        throw new ConformanceFailure(
          'supplements',
          'a request for supplements must carry the case’s receipt number',
        );
      if (
        !Array.isArray(missing) ||
        missing.length === 0 ||
        missing.some((item) => typeof item !== 'string' || item.trim() === '') ||
        new Set(missing).size !== missing.length
      )
        throw new ConformanceFailure(
          'supplements',
          `the missing items must be a non-empty list of distinct texts, got ${JSON.stringify(missing)}`,
        );
      const sendSupplement = target.adapter.supplement?.bind(target.adapter);
      if (!sendSupplement)
        throw new ConformanceFailure(
          'supplements',
          'the department asks for supplements, but the adapter has no supplement() to send the answers',
        );
      const answers = Object.fromEntries(missing.map((item) => [item, `conformance answer to ${item}`]));
      const round = {
        department: target.department,
        service: target.service,
        receiptNumber,
        idempotencyKey: key,
        round: 2,
        answers,
      };
      const first = await settle(sendSupplement(round));
      if (!first.ok)
        throw new ConformanceFailure(
          'supplements',
          `the answers were not taken: ${describeError(first.error)}`,
        );
      // The answers may be sent again (a retry after a lost reply): the round acts once.
      const again = await settle(sendSupplement(round));
      if (!again.ok || !isDeepStrictEqual(first.value, again.value))
        throw new ConformanceFailure(
          'supplements',
          `a repeat of round 2 got another answer: ${describeResult(first.value)} then ${
            again.ok ? describeResult(again.value) : describeError(again.error)
          }`,
        );
      return passed;
    });
  },
};

/** Every check, in the order a suite runs them. */
export const conformanceChecks: readonly ConformanceCheck[] = [
  decides,
  idempotent,
  invalidInput,
  rejection,
  misrouted,
  transientFailure,
  timeout,
  signature,
  poll,
  callback,
  undo,
  cancel,
  supplements,
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

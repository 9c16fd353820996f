import { randomBytes } from 'node:crypto';
import type { DepartmentAdapter } from '../adapter.js';
import { departmentUrlUnder } from '../adapters.js';
import { findService } from '../catalog/index.js';
import { createHttpAdapter } from '../http-adapter.js';
import type { SigningKey } from '../signing.js';
import type { CallbackInbox } from './callback-inbox.js';
import type { ConformanceTarget, LaterHooks } from './checks.js';
import { sampleInput } from './sample-input.js';

/** How to point the conformance kit at one service of a running department simulator. */
export interface SimulatorTargetOptions {
  /** The simulator's base URL, e.g. from `startSimulator({ port: 0 })`. */
  simulatorUrl: string;
  department: string;
  service: string;
  /**
   * The adapter under test; when absent, the built-in HTTP adapter with a 300 ms timeout, signing
   * with `signingKey` if given.
   */
  adapter?: DepartmentAdapter;
  /**
   * The department's key, when the simulator verifies Onething's requests (`verifyRequests`): the
   * built-in adapter signs with it, and the signature check calls with its id and a wrong secret.
   * Without it the signature check is skipped.
   */
  signingKey?: SigningKey;
  /** A valid input; generated from the service's input schema when absent. */
  validInput?: Record<string, unknown>;
  /**
   * Where the simulator's callbacks arrive (the simulator must already send them there, with the
   * keys the inbox checks); without it the callback check is skipped.
   */
  inbox?: CallbackInbox;
}

/** Longer than any adapter timeout a conformance run uses; cut short when the simulator closes. */
const stallMs = 60_000;
/** Long enough that an accepted case decides only when the kit says so. */
const decideOnlyWhenToldMs = 600_000;

/** The reason code the simulator is told to reject with in the rejection check. */
export const conformanceRejection = {
  code: 'CONFORMANCE_REJECTED',
  reason: 'rejected on purpose by the conformance kit',
} as const;

/** What the simulator is told to ask the applicant for in the supplements check. */
export const conformanceMissing = [
  '身份证明复印件 / a copy of the proof of identity',
  '委托书 / the letter of authority',
];

/**
 * A conformance target over the department simulator: side effects from its ledger, faults,
 * rejections and later decisions through its admin endpoints, and request signing when given the
 * department's key.
 */
export function simulatorTarget(options: SimulatorTargetOptions): ConformanceTarget {
  const { simulatorUrl, department, service, signingKey } = options;
  const definition = findService(department, service);
  if (!definition) throw new Error(`the catalogue has no service ${department}/${service}`);
  const httpAdapter = (key: SigningKey | undefined): DepartmentAdapter =>
    createHttpAdapter({
      baseUrl: departmentUrlUnder(simulatorUrl, department),
      timeoutMs: 300,
      ...(key && { auth: { type: 'hmac', keyId: key.keyId, secret: key.secret } }),
    });
  const servicePath = `/admin/services/${encodeURIComponent(department)}/${encodeURIComponent(service)}`;

  async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${simulatorUrl.replace(/\/+$/, '')}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator ${method} ${path} answered ${response.status}: ${text}`);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
  const behave = async (behaviour: object) => {
    await admin('PUT', servicePath, behaviour);
  };
  const reset = async () => {
    await admin('DELETE', servicePath);
  };
  const later = (decision: 'poll' | 'callback'): LaterHooks => ({
    arrange: () => behave({ decision, decisionDelayMs: decideOnlyWhenToldMs }),
    decide: async (receiptNumber) => {
      await admin('POST', `${servicePath}/decide/${encodeURIComponent(receiptNumber)}`);
    },
    restore: reset,
  });

  return {
    adapter: options.adapter ?? httpAdapter(signingKey),
    department,
    service,
    validInput: options.validInput ?? sampleInput(definition.input),
    async sideEffects(idempotencyKey) {
      const query = new URLSearchParams({ department, service, keyPrefix: idempotencyKey });
      const { entries } = (await admin('GET', `/admin/ledger?${query.toString()}`)) as {
        entries: Array<{ outcome: string | null }>;
      };
      // Issued, or a case opened to decide later; a refusal or a rejection changes nothing.
      return entries.filter((e) => e.outcome === 'done' || e.outcome === 'accepted').length;
    },
    faults: {
      failNext: () => behave({ failNext: 1 }),
      stall: () => behave({ latencyMs: stallMs }),
      clear: reset,
    },
    rejection: {
      arrange: () => behave({ reject: conformanceRejection }),
      restore: reset,
      reasonCode: conformanceRejection.code,
      reason: conformanceRejection.reason,
    },
    asksForSupplements: {
      arrange: () => behave({ supplement: { missing: conformanceMissing } }),
      restore: reset,
    },
    decidesLater: {
      byPoll: later('poll'),
      ...(options.inbox && { byCallback: { ...later('callback'), inbox: options.inbox } }),
    },
    ...(signingKey && {
      signature: {
        // The right key id with a secret the department never had.
        adapterWithWrongSecret: httpAdapter({
          keyId: signingKey.keyId,
          secret: randomBytes(32).toString('base64url'),
        }),
      },
    }),
  };
}

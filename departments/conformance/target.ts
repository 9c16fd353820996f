/**
 * What the conformance kit checks against, and what it reports: the target a department team
 * describes, the checks' ids and results, and the failure a broken promise raises.
 */
import type { DepartmentAdapter } from '../adapter.js';
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
   * Without it (a live system run from the command line) side effects are not counted, and the
   * report says so.
   */
  sideEffects?: (idempotencyKey: string) => Promise<number>;
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
  /**
   * Makes the service ask the applicant for supplements (补正) before it decides, and back. Without
   * it, the check runs only if the service asks by itself for the valid input.
   */
  asksForSupplements?: { arrange: () => Promise<void>; restore: () => Promise<void> };
  /** A fresh idempotency key per call sequence; `conformance-<uuid>` by default. */
  newKey?: () => string;
}

/** Ids of the checks, stable so a test or a report can name them. */
export type CheckId =
  | 'decides'
  | 'idempotent'
  | 'invalid-input'
  | 'rejection'
  | 'misrouted'
  | 'transient-failure'
  | 'timeout'
  | 'signature'
  | 'poll'
  | 'callback'
  | 'undo'
  | 'cancel'
  | 'supplements';

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

/** One call of a department service on behalf of one step of one application. */
export interface DepartmentCall {
  department: string;
  service: string;
  /** Exactly the fields the bundle maps to this service; nothing else of the form. */
  input: Record<string, unknown>;
  /** Stable across retries of the same step, so a department acts once per key. */
  idempotencyKey: string;
  /** 1 for the first try. */
  attempt: number;
  /** Aborted when the call's time budget runs out or the worker shuts down. */
  signal?: AbortSignal;
}

/** The department decided in the applicant's favour. */
export interface DepartmentDecision {
  outputs: Record<string, unknown>;
  /** The department's own receipt or case number, if it gives one. */
  receiptNumber?: string;
}

/**
 * The department accepted the case and decides later (hours or days): it reports back by
 * callback, or Onething polls it with the receipt number. The workflow waits durably meanwhile.
 */
export interface DepartmentAcceptance {
  accepted: true;
  /** The department's case number: what a callback names and what `poll` asks about. */
  receiptNumber: string;
}

/**
 * The department asks the applicant for supplementary materials (补正) before it decides: every
 * item missing, listed at once (Administrative Licensing Law art. 32). The case stays open under
 * `receiptNumber`; the applicant's answers reach it through `supplement`, under the call's key.
 */
export interface DepartmentSupplementRequest {
  supplementRequired: true;
  receiptNumber: string;
  /** What is missing, in the department's words, each shown to the applicant and answered by name. */
  missing: string[];
}

/** What `submit` (and `supplement`) resolves with. */
export type SubmitResult = DepartmentDecision | DepartmentAcceptance | DepartmentSupplementRequest;

export function isAcceptance(result: SubmitResult): result is DepartmentAcceptance {
  return 'accepted' in result && result.accepted;
}

export function isSupplementRequest<T extends object>(
  result: T,
): result is Extract<T, { supplementRequired: true }> {
  return 'supplementRequired' in result && result.supplementRequired === true;
}

/** The applicant's answers to a request for supplements, sent to the case they complete. */
export interface SupplementCall {
  department: string;
  service: string;
  receiptNumber: string;
  /** The step call's own key: the answers belong to that call, and a repeat acts once per round. */
  idempotencyKey: string;
  /** 2 for the first answers (the call was round 1), one more for each request after. */
  round: number;
  /** One answer per item the department listed, keyed by the item. */
  answers: Record<string, string>;
  signal?: AbortSignal;
}

/** Asks a department about a case it accepted earlier. */
export interface PollQuery {
  department: string;
  service: string;
  receiptNumber: string;
  idempotencyKey: string;
  signal?: AbortSignal;
}

/**
 * A poll's answer: still deciding, decided (a rejection is thrown as `DepartmentRejection`), or
 * asking the applicant for supplements.
 */
export type PollResult =
  | { pending: true }
  | (DepartmentDecision & { pending?: false })
  | (Omit<DepartmentSupplementRequest, 'receiptNumber'> & { pending?: false });

/** Withdraws a case the department accepted and has not decided (the application was withdrawn). */
export interface CancelQuery {
  department: string;
  service: string;
  receiptNumber: string;
  idempotencyKey: string;
  signal?: AbortSignal;
}

/**
 * A cancellation's answer: the case is closed undecided, or the department had already decided
 * it (in favour: Onething undoes it as a completed step; against: nothing to undo).
 */
export type CancelResult =
  | { status: 'cancelled' }
  | ({ status: 'decided' } & DepartmentDecision)
  | { status: 'rejected'; reasonCode: string; reason: string };

/** A department's undo of a completed step (e.g. cancel a registration), for compensation. */
export interface CompensationCall {
  department: string;
  service: string;
  receiptNumber?: string;
  outputs: Record<string, unknown>;
  idempotencyKey: string;
  signal?: AbortSignal;
}

/**
 * The department decided against the applicant. Final: retrying would get the same answer.
 * `reasonCode` and `reason` are the department's own, shown to the applicant. Throw it only for
 * the department's explicit "no" with its reason code: an answer the adapter cannot read as a
 * decision (a gateway's 404, a changed API's bare 400) is a failed call, `DepartmentUnavailable`.
 */
export class DepartmentRejection extends Error {
  override readonly name = 'DepartmentRejection';
  constructor(
    readonly reasonCode: string,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The department could not be reached or failed without deciding. Retried with backoff. */
export class DepartmentUnavailable extends Error {
  override readonly name = 'DepartmentUnavailable';
}

/** How Onething reaches one department's system. */
export interface DepartmentAdapter {
  /**
   * Submits one call. Resolves with the decision or an acceptance (decision later), throws
   * `DepartmentRejection` for the department's explicit rejection and anything else (typically
   * `DepartmentUnavailable`) for a failed call, which is retried within the step's budget.
   */
  submit(call: DepartmentCall): Promise<SubmitResult>;
  /** For departments that decide later and are asked rather than calling back. */
  poll?(query: PollQuery): Promise<PollResult>;
  /** For departments that can undo a completed step. */
  compensate?(call: CompensationCall): Promise<void>;
  /** For departments that accept cases and can close one undecided when the applicant withdraws. */
  cancel?(query: CancelQuery): Promise<CancelResult>;
  /**
   * For departments that ask for supplements: sends the applicant's answers to the case, and
   * resolves or throws as `submit` does (decided, accepted to decide later, or asking again).
   */
  supplement?(call: SupplementCall): Promise<SubmitResult>;
}

/** Adapters by department id: which adapter serves which department is configuration. */
export type DepartmentAdapters = ReadonlyMap<string, DepartmentAdapter>;

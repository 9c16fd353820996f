/**
 * Cases a simulated department accepted (202) and decides later: each waits on its own timer, or
 * on the admin decide-now endpoint, and is then reported by callback or answered to a poll.
 */
import type { CallRef, LaterDecision, LedgerRecord } from './ledger.js';

/**
 * How an accepted case reports its decision; `instant`: a case opened only to receive the
 * applicant's supplements, decided in the answer to them.
 */
export type ReportMode = 'instant' | 'callback' | 'poll';

/** The answer given to one round of supplements, replayed for a repeat of that round. */
export interface SupplementAnswer {
  status: number;
  body: object;
}

/** A call the department accepted and decides later. */
export interface AcceptedCase {
  ref: CallRef;
  receiptNumber: string;
  mode: ReportMode;
  /**
   * Worked out at intake from the behaviour then in force, so changing a behaviour never changes
   * a case already accepted; revealed when the case is decided.
   */
  verdict: LaterDecision;
  /** The ledger record of the call, settled when the case is decided. */
  record: LedgerRecord;
  decidedAt: Date | null;
  /** When Onething cancelled the case undecided (the application was withdrawn): it never decides then. */
  cancelledAt: Date | null;
  timer: NodeJS.Timeout | undefined;
  /** Items the department will ask for before it decides (its behaviour at intake); null once asked. */
  supplementDue: string[] | null;
  /** Items asked for and not yet answered: the case waits for the applicant. */
  asking: string[] | null;
  /** The rounds of supplements received (from 2) and what each was answered. */
  supplements: Map<number, SupplementAnswer>;
}

/** Called once per case when it is decided, and each time it asks for supplements (`asking` set). */
export type DecidedListener = (accepted: AcceptedCase, at: Date) => void;

/** The answer to a poll: HTTP status and body. */
export interface PollAnswer {
  status: number;
  body: object;
}

function caseId(department: string, service: string, receiptNumber: string): string {
  return JSON.stringify([department, service, receiptNumber]);
}

/** Accepted cases by (department, service, receipt number), bounded like the ledger. */
export class Cases {
  // Insertion order is acceptance order, so the oldest case is the cheapest to drop.
  private readonly cases = new Map<string, AcceptedCase>();
  private closed = false;

  constructor(
    private readonly limit: number,
    private readonly onDecided: DecidedListener,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('the simulator keeps at least one case');
  }

  /** Opens a case decided `delayMs` from now; 0 still decides after the 202 has been answered. */
  accept(
    fields: Pick<AcceptedCase, 'ref' | 'receiptNumber' | 'mode' | 'verdict' | 'record'> & {
      supplementDue?: string[];
    },
    delayMs: number,
  ): AcceptedCase {
    const accepted: AcceptedCase = {
      ...fields,
      decidedAt: null,
      cancelledAt: null,
      timer: undefined,
      supplementDue: fields.supplementDue ?? null,
      asking: null,
      supplements: new Map(),
    };
    if (this.closed) return accepted;
    // An instant department asks at once, in its answer to the call: no timer.
    if (accepted.mode === 'instant') {
      accepted.asking = accepted.supplementDue;
      accepted.supplementDue = null;
    } else accepted.timer = setTimeout(() => this.decide(accepted), delayMs);
    const { department, service } = fields.ref;
    this.cases.set(caseId(department, service, fields.receiptNumber), accepted);
    if (this.cases.size > this.limit) {
      // A dropped case never decides; with the default bound only a long benchmark gets here.
      const oldest = this.cases.keys().next();
      if (oldest.done !== true) {
        clearTimeout(this.cases.get(oldest.value)?.timer);
        this.cases.delete(oldest.value);
      }
    }
    return accepted;
  }

  find(department: string, service: string, receiptNumber: string): AcceptedCase | undefined {
    return this.cases.get(caseId(department, service, receiptNumber));
  }

  /**
   * Decides the case now, unless it is decided already; the listener runs once per case. A case
   * that is to ask for supplements first asks instead; one waiting for them decides nothing.
   */
  decide(accepted: AcceptedCase): void {
    clearTimeout(accepted.timer);
    accepted.timer = undefined;
    if (accepted.decidedAt !== null || accepted.cancelledAt !== null || accepted.asking !== null) return;
    const at = new Date();
    if (accepted.supplementDue !== null) {
      accepted.asking = accepted.supplementDue;
      accepted.supplementDue = null;
    } else accepted.decidedAt = at;
    this.onDecided(accepted, at);
  }

  /**
   * The applicant answered what the case asked for: it decides `delayMs` from now, or at once
   * for an instant department (before this returns, so the answer can carry the decision).
   */
  supplemented(accepted: AcceptedCase, delayMs: number): void {
    accepted.asking = null;
    if (accepted.mode === 'instant' || this.closed) this.decide(accepted);
    else accepted.timer = setTimeout(() => this.decide(accepted), delayMs);
  }

  /**
   * Closes an undecided case without deciding it: no callback, no decision later. A decided case
   * stays decided (the caller is told the decision); cancelling again changes nothing.
   */
  cancel(accepted: AcceptedCase): void {
    if (accepted.decidedAt !== null || accepted.cancelledAt !== null) return;
    clearTimeout(accepted.timer);
    accepted.timer = undefined;
    accepted.cancelledAt = new Date();
  }

  /** Forgets every case and cancels every pending decision (a reset). */
  clear(): void {
    for (const accepted of this.cases.values()) clearTimeout(accepted.timer);
    this.cases.clear();
  }

  /** Like `clear`, and a case accepted from now on (a request still draining) is never decided. */
  close(): void {
    this.closed = true;
    this.clear();
  }
}

/** `200 pending` until decided, then `200 decided` with the outputs or `422` with the rejection. */
export function pollAnswer(accepted: AcceptedCase): PollAnswer {
  if (accepted.cancelledAt !== null)
    return { status: 200, body: { status: 'cancelled', receiptNumber: accepted.receiptNumber } };
  if (accepted.asking !== null) {
    const { receiptNumber, asking } = accepted;
    return { status: 200, body: { status: 'supplement-required', receiptNumber, missing: asking } };
  }
  if (accepted.decidedAt === null) return { status: 200, body: { status: 'pending' } };
  const { verdict, receiptNumber } = accepted;
  if (verdict.rejection !== undefined) return { status: 422, body: verdict.rejection };
  return { status: 200, body: { status: 'decided', receiptNumber, outputs: verdict.outputs ?? {} } };
}

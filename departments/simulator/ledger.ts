/**
 * What the simulated departments have received and decided. One `Ledger` and one `RequestLog` per
 * simulator instance, so several simulators in one process never share state.
 */

/** Default bound of the ledger and the request log, so a long benchmark cannot exhaust memory. */
export const defaultRecordLimit = 100_000;

/** Identifies one call to a department: repeating the key repeats the call, never the side effect. */
export interface CallRef {
  department: string;
  service: string;
  idempotencyKey: string;
}

/**
 * How a department answered a call: issued, rejected (422), refused as malformed (400), or
 * accepted (202) to decide later, by callback or when polled.
 */
export type Outcome = 'done' | 'rejected' | 'invalid' | 'accepted' | 'supplement-required';

/** A decision as stored: the exact response is replayed for every later request with the same key. */
export interface Decision {
  outcome: Outcome;
  status: number;
  /** The body of the request that decided: exactly the fields the department received. */
  input: object | null;
  body: object;
  /** For `done` and `accepted`: the department's case number. */
  receiptNumber?: string;
  outputs?: Record<string, unknown>;
  rejection?: { code: string; reason: string };
}

/** What an accepted call is decided later; the 202 stays the answer replayed for its key. */
export interface LaterDecision {
  outcome: 'done' | 'rejected';
  outputs?: Record<string, unknown>;
  rejection?: { code: string; reason: string };
}

/** One ledger entry as `GET /admin/ledger` shows it; timestamps are ISO strings. */
export interface LedgerEntry extends CallRef {
  /** Every request with this key, including 503s and replays. */
  requestCount: number;
  /**
   * `null` while no request has been decided (only 503s so far, or still waiting on latency);
   * `accepted` while an accepted case waits for its decision, then `done` or `rejected`.
   */
  outcome: Outcome | null;
  /** The status the call was answered with: 202 for an accepted case, even once it is decided. */
  status: number | null;
  input: object | null;
  receiptNumber?: string;
  outputs?: Record<string, unknown>;
  rejection?: { code: string; reason: string };
  firstReceivedAt: string;
  lastReceivedAt: string;
  /** When the outcome was decided: at once for an instant answer, later for an accepted case. */
  decidedAt?: string;
}

/** Narrows a listing; `keyPrefix` lets a test see only the keys its own run produced. */
export interface RecordFilter {
  department?: string | undefined;
  service?: string | undefined;
  keyPrefix?: string | undefined;
}

/** A ledger record: the call, its counters and, once decided, the response to replay. */
export interface LedgerRecord extends CallRef {
  requestCount: number;
  firstReceivedAt: Date;
  lastReceivedAt: Date;
  decision: Decision | null;
  /** For an accepted call, its decision once made. */
  later: LaterDecision | null;
  decidedAt: Date | null;
}

function matches(ref: CallRef, filter: RecordFilter): boolean {
  return (
    (filter.department === undefined || ref.department === filter.department) &&
    (filter.service === undefined || ref.service === filter.service) &&
    (filter.keyPrefix === undefined || ref.idempotencyKey.startsWith(filter.keyPrefix))
  );
}

/** Calls by (department, service, idempotency key), in order of first receipt. */
export class Ledger {
  // A Map iterates in insertion order, which is first-receipt order and makes the oldest cheap to drop.
  private readonly records = new Map<string, LedgerRecord>();

  constructor(private readonly limit: number = defaultRecordLimit) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('a ledger keeps at least one record');
  }

  /** Counts one request for the call, creating its record on first receipt. */
  touch(ref: CallRef, receivedAt: Date): LedgerRecord {
    const id = JSON.stringify([ref.department, ref.service, ref.idempotencyKey]);
    let record = this.records.get(id);
    if (record === undefined) {
      record = {
        ...ref,
        requestCount: 0,
        firstReceivedAt: receivedAt,
        lastReceivedAt: receivedAt,
        decision: null,
        later: null,
        decidedAt: null,
      };
      this.records.set(id, record);
      // Dropping a decided record is safe: issuers are deterministic, so a retry decides the same way.
      if (this.records.size > this.limit) {
        const oldest = this.records.keys().next();
        if (oldest.done !== true) this.records.delete(oldest.value);
      }
    }
    record.requestCount += 1;
    if (receivedAt > record.lastReceivedAt) record.lastReceivedAt = receivedAt;
    return record;
  }

  /** Records the decision once; the first decision stands, as it does in a real department. */
  decide(record: LedgerRecord, decision: Decision, at: Date): Decision {
    if (record.decision === null) {
      record.decision = decision;
      if (decision.outcome !== 'accepted') record.decidedAt = at;
    }
    return record.decision;
  }

  /** Records the later decision of an accepted call, once. */
  settle(record: LedgerRecord, later: LaterDecision, at: Date): void {
    if (record.later !== null) return;
    record.later = later;
    record.decidedAt = at;
  }

  list(filter: RecordFilter = {}): LedgerEntry[] {
    const entries: LedgerEntry[] = [];
    for (const record of this.records.values()) {
      if (matches(record, filter)) entries.push(toEntry(record));
    }
    return entries;
  }

  clear(): void {
    this.records.clear();
  }
}

function toEntry(record: LedgerRecord): LedgerEntry {
  const { decision, later } = record;
  const final = later ?? decision;
  return {
    department: record.department,
    service: record.service,
    idempotencyKey: record.idempotencyKey,
    requestCount: record.requestCount,
    outcome: final?.outcome ?? null,
    status: decision?.status ?? null,
    input: decision?.input ?? null,
    ...(decision?.receiptNumber !== undefined && { receiptNumber: decision.receiptNumber }),
    ...(final?.outputs !== undefined && { outputs: final.outputs }),
    ...(final?.rejection !== undefined && { rejection: final.rejection }),
    firstReceivedAt: record.firstReceivedAt.toISOString(),
    lastReceivedAt: record.lastReceivedAt.toISOString(),
    ...(record.decidedAt !== null && { decidedAt: record.decidedAt.toISOString() }),
  };
}

/** One request a simulated department answered or sent, as `GET /admin/requests` shows it. */
export interface RequestRecord extends CallRef {
  /** A call, poll, undo or cancellation the department answered, or a callback attempt it made to Onething. */
  kind: 'submit' | 'poll' | 'callback' | 'undo' | 'cancel' | 'supplement';
  /** For supplements: the round they answer (2 for the first answers), and the answers received. */
  round?: number;
  answers?: Record<string, string>;
  /** The status answered; for a callback, Onething's answer, 0 when none came. */
  status: number;
  /** When the request arrived, or the callback attempt was made (ISO string). */
  at: string;
  /** For a callback: which attempt, from 1. */
  attempt?: number;
  /** For a callback that got no answer: why. */
  error?: string;
  /** The W3C `traceparent` header of a call or poll, when Onething traces: how its trace reached the department. */
  traceparent?: string;
}

/** Every answered request, in the order answered, bounded as a ring so old ones fall off in O(1). */
export class RequestLog {
  private readonly ring: RequestRecord[] = [];
  private next = 0;

  constructor(private readonly limit: number = defaultRecordLimit) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('a request log keeps at least one record');
  }

  add(record: RequestRecord): void {
    if (this.ring.length < this.limit) {
      this.ring.push(record);
    } else {
      this.ring[this.next] = record;
      this.next = (this.next + 1) % this.limit;
    }
  }

  list(filter: RecordFilter = {}): RequestRecord[] {
    const ordered = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.filter((record) => matches(record, filter));
  }

  clear(): void {
    this.ring.length = 0;
    this.next = 0;
  }
}

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

/** How a department decided a call: issued, rejected (422) or refused as malformed (400). */
export type Outcome = 'done' | 'rejected' | 'invalid';

/** A decision as stored: the exact response is replayed for every later request with the same key. */
export interface Decision {
  outcome: Outcome;
  status: number;
  /** The body of the request that decided: exactly the fields the department received. */
  input: object | null;
  body: object;
  outputs?: Record<string, unknown>;
  rejection?: { code: string; reason: string };
}

/** One ledger entry as `GET /admin/ledger` shows it; timestamps are ISO strings. */
export interface LedgerEntry extends CallRef {
  /** Every request with this key, including 503s and replays. */
  requestCount: number;
  /** `null` while no request has been decided (only 503s so far, or still waiting on latency). */
  outcome: Outcome | null;
  status: number | null;
  input: object | null;
  outputs?: Record<string, unknown>;
  rejection?: { code: string; reason: string };
  firstReceivedAt: string;
  lastReceivedAt: string;
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
  decide(record: LedgerRecord, decision: Decision): Decision {
    record.decision ??= decision;
    return record.decision;
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
  const { decision } = record;
  return {
    department: record.department,
    service: record.service,
    idempotencyKey: record.idempotencyKey,
    requestCount: record.requestCount,
    outcome: decision?.outcome ?? null,
    status: decision?.status ?? null,
    input: decision?.input ?? null,
    ...(decision?.outputs !== undefined && { outputs: decision.outputs }),
    ...(decision?.rejection !== undefined && { rejection: decision.rejection }),
    firstReceivedAt: record.firstReceivedAt.toISOString(),
    lastReceivedAt: record.lastReceivedAt.toISOString(),
  };
}

/** One request a simulated department answered, as `GET /admin/requests` shows it. */
export interface RequestRecord extends CallRef {
  status: number;
  /** When the request arrived (ISO string). */
  at: string;
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

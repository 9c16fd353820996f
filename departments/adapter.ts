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
 * The department decided against the applicant. Final: retrying would get the same answer.
 * `reasonCode` and `reason` are the department's own, shown to the applicant.
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
   * Submits one call. Resolves with the decision, throws `DepartmentRejection` for a
   * business rejection and anything else (typically `DepartmentUnavailable`) for a transient fault.
   */
  submit(call: DepartmentCall): Promise<DepartmentDecision>;
}

/** Adapters by department id: which adapter serves which department is configuration. */
export type DepartmentAdapters = ReadonlyMap<string, DepartmentAdapter>;

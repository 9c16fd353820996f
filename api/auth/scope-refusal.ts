import type { ProblemCode } from '../../schemas/error-codes.js';
import { ProblemError } from '../problem.js';

/**
 * A caller acting outside its key's scope (another department, another region). Answered like
 * any problem (a 403, or a 404 where the thing is hidden); the authentication plugin writes each
 * one to the audit log, unless the route's own audited action already recorded it.
 */
export class ScopeRefusal extends ProblemError {
  /** Set once an audit entry records this refusal, so it is not recorded twice. */
  audited = false;
  constructor(
    status: number,
    code: ProblemCode,
    title: string,
    detail: string,
    /** What was reached for: the scope check's own words, for the audit entry. */
    readonly reachedFor: string,
  ) {
    super(status, code, title, detail);
  }
}

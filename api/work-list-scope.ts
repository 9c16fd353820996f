import type { Principal } from '../schemas/principal.js';
import { problemCodes } from '../schemas/error-codes.js';
import { departmentScope, regionPrefixOf } from './auth/scope.js';
import { ScopeRefusal } from './auth/scope-refusal.js';

/**
 * Which tasks a caller's work list (and its live view) holds: a clerk's or scoped operator's own
 * department, else the department asked for (none: every one); a region-scoped operator's region
 * only. Asking for another department than one's own is refused.
 */
export function workListScope(
  principal: Principal,
  department: string | undefined,
): { department?: string; regionPrefix?: string } {
  const own = departmentScope(principal);
  if (own !== undefined && department !== undefined && department !== own)
    throw new ScopeRefusal(
      403,
      problemCodes.forbidden,
      "Only your department's tasks",
      own,
      `${department}'s tasks`,
    );
  const scope = own ?? department;
  const regionPrefix = regionPrefixOf(principal);
  return {
    ...(scope === undefined ? {} : { department: scope }),
    ...(regionPrefix === undefined ? {} : { regionPrefix }),
  };
}

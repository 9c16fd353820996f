import type { BulkItemTarget } from '../db/bulk-actions.js';
import { findStuckApplications } from '../db/ops-queries.js';
import type { StuckFilter } from '../db/ops-queries.js';
import type { Queryable } from '../db/pool.js';
import type { AppliedBulkFilter, BulkFilter } from '../schemas/bulk-actions.js';
import type { StuckCode } from '../schemas/ops.js';
import { regionPrefix } from '../schemas/regions.js';
import type { BulkRepairAction } from '../schemas/repair-actions.js';

/** The most steps one bulk action may take: past it, the operator narrows the filter. */
export const maxBulkItems = 10_000;

/** Without `stuck`: the kinds of step each action can repair. */
const defaultCodes: Record<BulkRepairAction, readonly StuckCode[]> = {
  retry: ['retrying', 'waiting-department'],
  resend: ['waiting-department'],
};

/** The filter as a job applies and shows it: defaults filled in, durations in milliseconds. */
export function appliedBulkFilter(action: BulkRepairAction, filter: BulkFilter): AppliedBulkFilter {
  return {
    stuck: filter.stuck ?? [...defaultCodes[action]],
    ...(filter.bundle === undefined ? {} : { bundle: filter.bundle }),
    ...(filter.status === undefined ? {} : { status: filter.status }),
    ...(filter.department === undefined ? {} : { department: filter.department }),
    ...(filter.region === undefined ? {} : { region: filter.region }),
    ...(filter.stepId === undefined ? {} : { stepId: filter.stepId }),
    ...(filter.retryingLongerThan === undefined ? {} : { retryingLongerThanMs: filter.retryingLongerThan }),
    ...(filter.attemptsAtLeast === undefined ? {} : { attemptsAtLeast: filter.attemptsAtLeast }),
    ...(filter.waitingLongerThan === undefined ? {} : { waitingLongerThanMs: filter.waitingLongerThan }),
    ...(filter.stuckSince === undefined ? {} : { stuckSince: new Date(filter.stuckSince).toISOString() }),
    ...(filter.stuckBefore === undefined ? {} : { stuckBefore: new Date(filter.stuckBefore).toISOString() }),
  };
}

/**
 * The (application, step) pairs the filter matches now, through the query of
 * `GET /v1/ops/applications`, oldest stuck first; each pair once. `tooMany` when more than
 * `max` match (the pairs are then cut short).
 */
export async function matchBulkItems(
  db: Queryable,
  filter: AppliedBulkFilter,
  max = maxBulkItems,
): Promise<{ items: BulkItemTarget[]; tooMany: boolean }> {
  const since = filter.stuckSince === undefined ? undefined : Date.parse(filter.stuckSince);
  const before = filter.stuckBefore === undefined ? undefined : Date.parse(filter.stuckBefore);
  const items: BulkItemTarget[] = [];
  const seen = new Set<string>();
  let after: StuckFilter['after'];
  for (;;) {
    const page = await findStuckApplications(db, {
      codes: filter.stuck,
      limit: 100,
      ...(filter.bundle === undefined ? {} : { bundleId: filter.bundle }),
      ...(filter.status === undefined ? {} : { statuses: filter.status }),
      ...(filter.department === undefined ? {} : { department: filter.department }),
      ...(filter.region === undefined ? {} : { regionPrefix: regionPrefix(filter.region) }),
      ...(filter.retryingLongerThanMs === undefined
        ? {}
        : { retryingLongerThanMs: filter.retryingLongerThanMs }),
      ...(filter.attemptsAtLeast === undefined ? {} : { attemptsAtLeast: filter.attemptsAtLeast }),
      ...(filter.waitingLongerThanMs === undefined
        ? {}
        : { waitingLongerThanMs: filter.waitingLongerThanMs }),
      ...(after ? { after } : {}),
    });
    for (const row of page.rows) {
      for (const reason of row.reasons) {
        const at = reason.since.getTime();
        if (filter.stepId !== undefined && reason.stepId !== filter.stepId) continue;
        if ((since !== undefined && at < since) || (before !== undefined && at >= before)) continue;
        const key = `${row.id} ${reason.stepId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        items.push({ applicationId: row.id, stepId: reason.stepId, department: reason.department });
        if (items.length > max) return { items: items.slice(0, max), tooMany: true };
      }
    }
    const last = page.rows.at(-1);
    if (!page.more || !last) return { items, tooMany: false };
    after = { sinceUs: last.since_us, id: last.id };
  }
}

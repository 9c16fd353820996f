import type { BundleDefinition } from '../bundles/definition.js';
import type { BusinessCalendar } from './business-calendar.js';

/** When an application submitted at `submittedAt` is due: the bundle's promised limit (承诺时限) on the calendar. */
export function applicationDueAt(
  bundle: Pick<BundleDefinition, 'promisedWorkingDays'>,
  submittedAt: Date,
  calendar: BusinessCalendar,
): Date {
  return calendar.addWorkingDays(submittedAt, bundle.promisedWorkingDays);
}

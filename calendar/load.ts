import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BusinessCalendar, businessCalendarFileSchema } from './business-calendar.js';
import type { BusinessCalendarDays } from './business-calendar.js';

/**
 * The calendar shipped with Onething: the mainland's 2026 holidays and swapped working days
 * (published) and 2027's statutory holidays (estimated until the State Council's notice).
 */
export const defaultBusinessCalendarFile = fileURLToPath(new URL('./cn.json', import.meta.url));

/** Who logs that a due date was estimated: the process logger, or anything with `warn`. */
export interface CalendarLog {
  warn(object: Record<string, unknown>, message: string): void;
}

/** Logs, once per year and process, that due dates in that year are estimated (no citizen data). */
export function logEstimates(log: CalendarLog): NonNullable<BusinessCalendarDays['onEstimate']> {
  return (year, status) =>
    log.warn(
      { year, calendarStatus: status },
      status === 'estimated'
        ? `business calendar: ${year}'s holidays are not published; due dates in ${year} are estimated from the statutory holidays (dueAtEstimated)`
        : `business calendar: no data for ${year}; due dates in ${year} are estimated from weekends and fixed-date statutory holidays (dueAtEstimated)`,
    );
}

/**
 * Reads and checks a calendar file (`BUSINESS_CALENDAR_FILE`; unset: the shipped one). Called once
 * by the composition root; a bad file stops start-up with the file and the bad entry named.
 */
export function loadBusinessCalendar(
  file: string = defaultBusinessCalendarFile,
  onEstimate?: BusinessCalendarDays['onEstimate'],
): BusinessCalendar {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`business calendar ${file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  const parsed = businessCalendarFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`business calendar ${file}: ${issues.join('; ')}`);
  }
  return new BusinessCalendar({ ...parsed.data, ...(onEstimate ? { onEstimate } : {}) });
}

let shipped: BusinessCalendar | undefined;
/**
 * The shipped calendar, read once per process: for compositions that configure none. Its
 * estimates are reported as a process warning (such compositions have no logger of their own).
 */
export function defaultBusinessCalendar(): BusinessCalendar {
  shipped ??= loadBusinessCalendar(
    defaultBusinessCalendarFile,
    logEstimates({ warn: (_object, message) => process.emitWarning(message, 'BusinessCalendarWarning') }),
  );
  return shipped;
}

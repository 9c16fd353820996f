import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BusinessCalendar, businessCalendarFileSchema } from './business-calendar.js';

/** The calendar shipped with Onething: the mainland's 2026 holidays and swapped working days. */
export const defaultBusinessCalendarFile = fileURLToPath(new URL('./cn-2026.json', import.meta.url));

/**
 * Reads and checks a calendar file (`BUSINESS_CALENDAR_FILE`; unset: the shipped one). Called once
 * by the composition root; a bad file stops start-up with the file and the bad entry named.
 */
export function loadBusinessCalendar(file: string = defaultBusinessCalendarFile): BusinessCalendar {
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
  return new BusinessCalendar(parsed.data);
}

let shipped: BusinessCalendar | undefined;
/** The shipped calendar, read once per process: for compositions that configure none. */
export function defaultBusinessCalendar(): BusinessCalendar {
  shipped ??= loadBusinessCalendar();
  return shipped;
}

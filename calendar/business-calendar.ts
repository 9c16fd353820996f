import { z } from 'zod';

const isoDate = z.iso.date();

/**
 * How much a year's data can be trusted: `published`, the State Council's notice for the year;
 * `estimated`, the statutory holidays alone, before the notice (no 调休 working days).
 */
export const calendarYearStatusSchema = z.enum(['published', 'estimated']);
export type CalendarYearStatus = z.infer<typeof calendarYearStatusSchema>;

/**
 * A business calendar file: the public holidays (放假) and the swapped working days (调休上班)
 * announced each year by the State Council. Weekends are implied; list only the exceptions.
 */
export const businessCalendarFileSchema = z
  .object({
    /** Where the dates come from, and anything a maintainer should check. */
    comment: z.string().optional(),
    /** Days off, including any that fall on a weekend. */
    holidays: z.array(isoDate),
    /** Weekend days that are working days. */
    workingDays: z.array(isoDate),
    /**
     * The years the file covers and whether each is published or estimated, e.g.
     * `{ "2026": "published", "2027": "estimated" }`. Absent (files of earlier versions): every
     * year a listed date falls in, as published.
     */
    years: z.record(z.string().regex(/^\d{4}$/), calendarYearStatusSchema).optional(),
  })
  .refine((c) => !c.holidays.some((d) => c.workingDays.includes(d)), {
    message: 'a date cannot be both a holiday and a working day',
  });
export type BusinessCalendarFile = z.infer<typeof businessCalendarFileSchema>;

// Mainland China is UTC+8 all year (no daylight saving time), so a fixed offset is exact.
const offsetMs = 8 * 60 * 60 * 1000;
const dayMs = 24 * 60 * 60 * 1000;

/** The Shanghai calendar day of an instant, as a day number (days since 1970-01-01). */
const dayNumberOf = (at: Date) => Math.floor((at.getTime() + offsetMs) / dayMs);
const isoOf = (dayNumber: number) => new Date(dayNumber * dayMs).toISOString().slice(0, 10);
const dayNumberOfIso = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / dayMs;
/** 23:59:59.999 +08:00 of a day. */
const endOf = (dayNumber: number) => new Date((dayNumber + 1) * dayMs - offsetMs - 1);
const yearOf = (dayNumber: number) => new Date(dayNumber * dayMs).getUTCFullYear();

/**
 * The fallback for a year the calendar has no data for: the statutory holidays that fall on
 * fixed Gregorian dates (全国年节及纪念日放假办法: 1 January, 1-2 May, 1-3 October). The lunar
 * festivals, days given in lieu and 调休 are unknown, so every date counted there is estimated.
 */
const fallbackHolidays: ReadonlySet<string> = new Set(['01-01', '05-01', '05-02', '10-01', '10-02', '10-03']);

/** What a calendar is built from: the days, which years they cover, and who hears of estimates. */
export interface BusinessCalendarDays {
  holidays: Iterable<string>;
  workingDays: Iterable<string>;
  /** Years covered, by status; absent: the years of the listed dates, as published. */
  years?: Readonly<Record<string, CalendarYearStatus>>;
  /**
   * Told, once per year, the first time a limit is counted into a year that is not published
   * (estimated, or beyond the data): the composition root logs it.
   */
  onEstimate?: (year: number, status: 'estimated' | 'beyond-data') => void;
}

/**
 * Working days in Asia/Shanghai: Monday to Friday, except the listed holidays, plus the listed
 * swapped working days (调休) on weekends. A year beyond the data counts weekends and the
 * fixed-date statutory holidays only, and what is counted into it, or into an estimated year, is
 * flagged (`isEstimated`) and reported once. Pure: it reads no clock and no file.
 */
export class BusinessCalendar {
  private readonly holidays: ReadonlySet<string>;
  private readonly workingDays: ReadonlySet<string>;
  private readonly years: ReadonlyMap<number, CalendarYearStatus>;
  private readonly onEstimate: BusinessCalendarDays['onEstimate'];
  private readonly reported = new Set<number>();

  constructor(days: BusinessCalendarDays) {
    this.holidays = new Set(days.holidays);
    this.workingDays = new Set(days.workingDays);
    this.years = days.years
      ? new Map(Object.entries(days.years).map(([year, status]) => [Number(year), status]))
      : new Map([...this.holidays, ...this.workingDays].map((d) => [Number(d.slice(0, 4)), 'published']));
    this.onEstimate = days.onEstimate;
  }

  /** A calendar from the contents of a calendar file; throws a ZodError naming the bad date. */
  static parse(json: unknown, onEstimate?: BusinessCalendarDays['onEstimate']): BusinessCalendar {
    return new BusinessCalendar({ ...businessCalendarFileSchema.parse(json), onEstimate });
  }

  /** The years the calendar has data for, by status, in order. */
  coverage(): Array<{ year: number; status: CalendarYearStatus }> {
    return [...this.years].map(([year, status]) => ({ year, status })).sort((a, b) => a.year - b.year);
  }

  /**
   * Whether a date counted to this instant is an estimate: its Shanghai day falls in a year
   * whose holidays are not published (estimated from the statutory ones, or beyond the data).
   */
  isEstimated(at: Date): boolean {
    return this.years.get(yearOf(dayNumberOf(at))) !== 'published';
  }

  /** Whether a day is a working day: an ISO date (`2026-10-08`), or the Shanghai day of an instant. */
  isWorkingDay(day: Date | string): boolean {
    return this.isWorkingDayNumber(typeof day === 'string' ? dayNumberOfIso(day) : dayNumberOf(day));
  }

  /**
   * The end of a limit of `days` working days counted from `from`, at 23:59:59.999 +08:00.
   *
   * The day of `from` is not counted (the period starts the next day); a submission on a day
   * that is not a working day counts as received on the next working day. So:
   * - `days = 0`: the end of the day of `from`, or of the next working day if it is not one;
   * - `days = N`: the end of the N-th working day after that day. Submitted on Wednesday
   *   2026-09-30 with 5 working days, the limit ends on Tuesday 2026-10-13 (National Day runs
   *   1–7 October; Saturday 10 October is a working day).
   */
  addWorkingDays(from: Date, days: number): Date {
    if (!Number.isInteger(days) || days < 0)
      throw new RangeError(`working days must be a whole number ≥ 0, not ${days}`);
    let day = dayNumberOf(from);
    while (!this.isWorkingDayNumber(day)) day += 1;
    for (let counted = 0; counted < days;) {
      day += 1;
      if (this.isWorkingDayNumber(day)) counted += 1;
    }
    this.reportEstimate(day);
    return endOf(day);
  }

  /**
   * The working days after the day of `from`, up to and including the day of `to`: how many
   * working days of a limit passed between the two instants (0 within one day, or if `to` is
   * not after `from`). Shifting a due date by this many working days gives that time back.
   */
  workingDaysBetween(from: Date, to: Date): number {
    const last = dayNumberOf(to);
    let count = 0;
    for (let day = dayNumberOf(from) + 1; day <= last; day += 1) if (this.isWorkingDayNumber(day)) count += 1;
    return count;
  }

  /** Tells `onEstimate` of the due day's year, once per year, when that year is not published. */
  private reportEstimate(dueDay: number): void {
    const year = yearOf(dueDay);
    const status = this.years.get(year);
    if (status === 'published' || this.reported.has(year)) return;
    this.reported.add(year);
    this.onEstimate?.(year, status ?? 'beyond-data');
  }

  private isWorkingDayNumber(dayNumber: number): boolean {
    const iso = isoOf(dayNumber);
    if (this.workingDays.has(iso)) return true;
    if (this.holidays.has(iso)) return false;
    if (!this.years.has(yearOf(dayNumber)) && fallbackHolidays.has(iso.slice(5))) return false;
    // Day 0 (1970-01-01) was a Thursday: weekday 0 is Sunday, 6 Saturday.
    const weekday = (((dayNumber + 4) % 7) + 7) % 7;
    return weekday !== 0 && weekday !== 6;
  }
}

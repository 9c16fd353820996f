import { describe, expect, it } from 'vitest';
import { BusinessCalendar } from '../../calendar/business-calendar.js';
import { applicationDueAt } from '../../calendar/due-dates.js';
import { loadBusinessCalendar } from '../../calendar/load.js';

const calendar = loadBusinessCalendar();
/** An instant in Shanghai time. */
const at = (local: string) => new Date(`${local}+08:00`);
/** The end of a Shanghai day, as the calendar gives it. */
const endOf = (day: string) => at(`${day}T23:59:59.999`);

describe('the business calendar', () => {
  it('knows weekends, holidays and swapped working days', () => {
    expect(calendar.isWorkingDay('2026-03-09')).toBe(true); // Monday
    expect(calendar.isWorkingDay('2026-03-07')).toBe(false); // Saturday
    expect(calendar.isWorkingDay('2026-03-08')).toBe(false); // Sunday
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false); // National Day, a Thursday
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true); // Saturday worked instead (调休)
    expect(calendar.isWorkingDay('2026-02-14')).toBe(true);
  });

  it('takes the day of an instant in Shanghai, not in UTC', () => {
    expect(calendar.isWorkingDay(new Date('2026-10-07T15:30:00Z'))).toBe(false); // 7 Oct, 23:30
    expect(calendar.isWorkingDay(new Date('2026-10-07T16:30:00Z'))).toBe(true); // 8 Oct, 00:30
  });

  it('counts from the day after submission and skips the weekend', () => {
    // Friday → Monday.
    expect(calendar.addWorkingDays(at('2026-03-06T10:00'), 1)).toEqual(endOf('2026-03-09'));
    expect(calendar.addWorkingDays(at('2026-03-06T10:00'), 1).toISOString()).toBe('2026-03-09T15:59:59.999Z');
    // Monday + 5 → next Monday.
    expect(calendar.addWorkingDays(at('2026-03-09T08:00'), 5)).toEqual(endOf('2026-03-16'));
  });

  it('skips a holiday', () => {
    // Qingming: Saturday 4 to Monday 6 April. Thursday + 2 → Friday, then Tuesday.
    expect(calendar.addWorkingDays(at('2026-04-02T09:00'), 2)).toEqual(endOf('2026-04-07'));
  });

  it('counts a swapped working day on a weekend', () => {
    // Friday 13 February + 1 → Saturday 14 February, worked before the Spring Festival.
    expect(calendar.addWorkingDays(at('2026-02-13T09:00'), 1)).toEqual(endOf('2026-02-14'));
    // Saturday 14 February + 1 → the festival runs 15–23 February → Tuesday 24.
    expect(calendar.addWorkingDays(at('2026-02-14T09:00'), 1)).toEqual(endOf('2026-02-24'));
  });

  it('ends a limit of 0 the same working day, or the next working day', () => {
    expect(calendar.addWorkingDays(at('2026-03-09T08:00'), 0)).toEqual(endOf('2026-03-09'));
    expect(calendar.addWorkingDays(at('2026-03-09T23:59:59.999'), 0)).toEqual(endOf('2026-03-09'));
    // Saturday → Monday.
    expect(calendar.addWorkingDays(at('2026-03-07T12:00'), 0)).toEqual(endOf('2026-03-09'));
    // The swapped Saturday is itself a working day.
    expect(calendar.addWorkingDays(at('2026-10-10T12:00'), 0)).toEqual(endOf('2026-10-10'));
    // 17:00 UTC on Monday is already Tuesday in Shanghai.
    expect(calendar.addWorkingDays(new Date('2026-03-09T17:00:00Z'), 0)).toEqual(endOf('2026-03-10'));
  });

  it('treats a submission on a day off as received on the next working day', () => {
    // Saturday: received Monday, so 1 working day ends on Tuesday.
    expect(calendar.addWorkingDays(at('2026-03-07T12:00'), 1)).toEqual(endOf('2026-03-10'));
    // During National Day: received Thursday 8 October.
    expect(calendar.addWorkingDays(at('2026-10-03T12:00'), 1)).toEqual(endOf('2026-10-09'));
  });

  it('carries a limit across the National Day holiday', () => {
    // Wednesday 30 September + 5: 1–7 October off, then Thu 8, Fri 9, Sat 10 (worked), Mon 12, Tue 13.
    const due = calendar.addWorkingDays(at('2026-09-30T10:00'), 5);
    expect(due).toEqual(endOf('2026-10-13'));
    expect(due.toISOString()).toBe('2026-10-13T15:59:59.999Z');
    // A plain Monday-to-Friday calendar would have said Wednesday 7 October.
    // (A calendar without data for the year would keep 1-3 October: calendar-coverage.test.ts.)
    const weekendsOnly = new BusinessCalendar({
      holidays: [],
      workingDays: [],
      years: { '2026': 'published' },
    });
    expect(weekendsOnly.addWorkingDays(at('2026-09-30T10:00'), 5)).toEqual(endOf('2026-10-07'));
  });

  it("dates an application by its bundle's promised working days", () => {
    expect(applicationDueAt({ promisedWorkingDays: 5 }, at('2026-09-30T10:00'), calendar)).toEqual(
      endOf('2026-10-13'),
    );
  });

  it('counts the working days that passed between two instants', () => {
    expect(calendar.workingDaysBetween(at('2026-03-09T09:00'), at('2026-03-09T17:00'))).toBe(0);
    expect(calendar.workingDaysBetween(at('2026-03-06T17:00'), at('2026-03-09T09:00'))).toBe(1);
    expect(calendar.workingDaysBetween(at('2026-09-30T10:00'), at('2026-10-12T10:00'))).toBe(4);
    expect(calendar.workingDaysBetween(at('2026-03-09T09:00'), at('2026-03-06T09:00'))).toBe(0);
  });

  it('refuses a negative or fractional limit', () => {
    expect(() => calendar.addWorkingDays(at('2026-03-09T09:00'), -1)).toThrow(RangeError);
    expect(() => calendar.addWorkingDays(at('2026-03-09T09:00'), 1.5)).toThrow(RangeError);
  });

  it('checks a calendar file', () => {
    expect(() => BusinessCalendar.parse({ holidays: ['2026-13-01'], workingDays: [] })).toThrow();
    expect(() => BusinessCalendar.parse({ holidays: ['2026-10-10'], workingDays: ['2026-10-10'] })).toThrow(
      /both a holiday and a working day/,
    );
    expect(
      BusinessCalendar.parse({ holidays: ['2026-03-09'], workingDays: [] }).isWorkingDay('2026-03-09'),
    ).toBe(false);
  });
});

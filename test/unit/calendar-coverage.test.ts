import { describe, expect, it, vi } from 'vitest';
import { BusinessCalendar } from '../../calendar/business-calendar.js';
import { loadBusinessCalendar, logEstimates } from '../../calendar/load.js';

/** An instant in Shanghai time. */
const at = (local: string) => new Date(`${local}+08:00`);
const endOf = (day: string) => at(`${day}T23:59:59.999`);

describe("the business calendar's coverage", () => {
  it('ships 2026 as published and 2027 as estimated from the statutory holidays', () => {
    const calendar = loadBusinessCalendar();
    expect(calendar.coverage()).toEqual([
      { year: 2026, status: 'published' },
      { year: 2027, status: 'estimated' },
    ]);
    expect(calendar.isEstimated(at('2026-12-31T12:00'))).toBe(false);
    expect(calendar.isEstimated(at('2027-01-04T12:00'))).toBe(true);
    // 31 December 2026 at 23:30 in Shanghai is still 2026, though 2027 has begun nowhere yet in UTC.
    expect(calendar.isEstimated(new Date('2026-12-31T15:30:00Z'))).toBe(false);
    expect(calendar.isEstimated(new Date('2026-12-31T16:30:00Z'))).toBe(true);
    expect(calendar.isEstimated(at('2028-03-01T12:00'))).toBe(true);
  });

  it("counts 2027's Spring Festival with the days given in lieu of its weekend", () => {
    const calendar = loadBusinessCalendar();
    // Eve Friday 5 February, first to third day Saturday 6 to Monday 8; 9 and 10 in lieu.
    for (const day of ['2027-02-05', '2027-02-08', '2027-02-09', '2027-02-10'])
      expect(calendar.isWorkingDay(day), day).toBe(false);
    // Thursday 4 February + 1 → Thursday 11 February.
    expect(calendar.addWorkingDays(at('2027-02-04T10:00'), 1)).toEqual(endOf('2027-02-11'));
    // National Day 2027: Friday 1 October, the weekend, then Monday 4 and Tuesday 5 in lieu.
    expect(calendar.addWorkingDays(at('2027-09-30T10:00'), 1)).toEqual(endOf('2027-10-06'));
  });

  it('counts a limit from late December 2026 across New Year into the estimated year', () => {
    const calendar = loadBusinessCalendar();
    // Wednesday 30 December + 3: Thursday 31, (1 January off, weekend), Monday 4, Tuesday 5.
    const due = calendar.addWorkingDays(at('2026-12-30T10:00'), 3);
    expect(due).toEqual(endOf('2027-01-05'));
    expect(calendar.isEstimated(due)).toBe(true);
  });

  it('beyond its data, keeps the fixed-date statutory holidays rather than counting none', () => {
    const calendar = new BusinessCalendar({ holidays: ['2026-10-01'], workingDays: [] });
    // No data for 2028: 1 May (Monday) and 2 May stay holidays.
    expect(calendar.isWorkingDay('2028-05-01')).toBe(false);
    expect(calendar.isWorkingDay('2028-05-02')).toBe(false);
    expect(calendar.isWorkingDay('2028-05-03')).toBe(true);
    // Friday 28 April 2028 + 1 → Wednesday 3 May.
    expect(calendar.addWorkingDays(at('2028-04-28T10:00'), 1)).toEqual(endOf('2028-05-03'));
    // A year the file lists is counted on its own dates only (2026: only 1 October listed).
    expect(calendar.isWorkingDay('2026-05-01')).toBe(true);
  });

  it('reports an estimated year once, however many dates are counted into it', () => {
    const onEstimate = vi.fn();
    const calendar = new BusinessCalendar({
      holidays: [],
      workingDays: [],
      years: { '2026': 'published', '2027': 'estimated' },
      onEstimate,
    });
    calendar.addWorkingDays(at('2026-11-02T10:00'), 5);
    expect(onEstimate).not.toHaveBeenCalled();
    calendar.addWorkingDays(at('2026-12-30T10:00'), 5);
    calendar.addWorkingDays(at('2027-03-01T10:00'), 5);
    calendar.addWorkingDays(at('2028-03-01T10:00'), 5);
    calendar.addWorkingDays(at('2028-06-01T10:00'), 5);
    expect(onEstimate.mock.calls).toEqual([
      [2027, 'estimated'],
      [2028, 'beyond-data'],
    ]);
  });

  it('logs an estimate with the year alone', () => {
    const warn = vi.fn();
    const calendar = loadBusinessCalendar(undefined, logEstimates({ warn }));
    calendar.addWorkingDays(at('2027-06-01T10:00'), 2);
    calendar.addWorkingDays(at('2027-07-01T10:00'), 2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toEqual({ year: 2027, calendarStatus: 'estimated' });
    expect(warn.mock.calls[0]?.[1]).toMatch(/2027's holidays are not published/);
  });

  it('reads the years of an earlier file from its dates, as published', () => {
    const calendar = BusinessCalendar.parse({ holidays: ['2026-10-01'], workingDays: ['2026-10-10'] });
    expect(calendar.coverage()).toEqual([{ year: 2026, status: 'published' }]);
    expect(() =>
      BusinessCalendar.parse({ holidays: [], workingDays: [], years: { '2027': 'guessed' } }),
    ).toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { expectedDueDates } from '../../calendar/expected-dates.js';
import type { StepToDate } from '../../calendar/expected-dates.js';
import { loadBusinessCalendar } from '../../calendar/load.js';

const calendar = loadBusinessCalendar();
/** An instant in Shanghai time. */
const at = (local: string) => new Date(`${local}+08:00`);
const endOf = (day: string) => at(`${day}T23:59:59.999`);

const step = (id: string, fields: Partial<StepToDate> = {}): StepToDate => ({
  id,
  after: [],
  status: 'pending',
  timeLimitWorkingDays: 1,
  dueAt: null,
  completedAt: null,
  ...fields,
});

describe('expected due dates of pending steps', () => {
  it("counts from the predecessor's due date across National Day and its swapped Saturday", () => {
    // Certificate started Wednesday 30 September, due the same day; registration then takes 0
    // days (same day), insurance 5: 1-7 October off, Thu 8, Fri 9, Sat 10 (worked), Mon 12, Tue 13.
    const expected = expectedDueDates(
      [
        step('certificate', { status: 'running', dueAt: endOf('2026-09-30'), timeLimitWorkingDays: 0 }),
        step('registration', { after: ['certificate'], timeLimitWorkingDays: 0 }),
        step('insurance', { after: ['registration'], timeLimitWorkingDays: 5 }),
      ],
      calendar,
      at('2026-09-30T10:00'),
    );
    expect(expected.get('certificate')).toBeNull();
    expect(expected.get('registration')).toEqual(endOf('2026-09-30'));
    expect(expected.get('insurance')).toEqual(endOf('2026-10-13'));
  });

  it('counts across the Spring Festival with its make-up working days', () => {
    // Due Friday 13 February; +1 → Saturday 14 February (worked before the festival); +1 more
    // → the festival runs 15-23 February → Tuesday 24.
    const expected = expectedDueDates(
      [
        step('a', { status: 'waiting', dueAt: endOf('2026-02-13') }),
        step('b', { after: ['a'] }),
        step('c', { after: ['b'] }),
      ],
      calendar,
      at('2026-02-11T09:00'),
    );
    expect(expected.get('b')).toEqual(endOf('2026-02-14'));
    expect(expected.get('c')).toEqual(endOf('2026-02-24'));
  });

  it('takes the latest of several predecessors, a completed one by when it ended', () => {
    const expected = expectedDueDates(
      [
        step('early', { status: 'completed', completedAt: at('2026-03-09T10:00') }),
        step('late', { status: 'running', dueAt: endOf('2026-03-12') }),
        step('join', { after: ['early', 'late'], timeLimitWorkingDays: 2 }),
      ],
      calendar,
      at('2026-03-09T11:00'),
    );
    // Thursday 12 + 2 → Friday 13, Monday 16.
    expect(expected.get('join')).toEqual(endOf('2026-03-16'));
  });

  it('never counts from before now: an overdue predecessor pushes its dependants on', () => {
    const expected = expectedDueDates(
      [
        step('overdue', { status: 'running', dueAt: endOf('2026-03-02') }),
        step('next', { after: ['overdue'] }),
      ],
      calendar,
      at('2026-03-09T10:00'),
    );
    // Counted from Monday 9 March, not from Monday 2.
    expect(expected.get('next')).toEqual(endOf('2026-03-10'));
  });

  it('cannot tell after a rejected or failed predecessor, or without a limit or a graph', () => {
    const expected = expectedDueDates(
      [
        step('rejected', { status: 'rejected' }),
        step('blocked', { after: ['rejected'] }),
        step('failed', { status: 'failed' }),
        step('held', { after: ['failed'] }),
        step('noLimit', { timeLimitWorkingDays: null }),
        step('unknown', { after: null }),
      ],
      calendar,
      at('2026-03-09T10:00'),
    );
    expect(expected.get('blocked')).toBeNull();
    expect(expected.get('held')).toBeNull();
    expect(expected.get('noLimit')).toBeNull();
    expect(expected.get('unknown')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { nextPollInterval } from '../../workflows/poll-interval.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** The waits of a case polled from acceptance until `until`, with the defaults (30 s, up to 1 h). */
function pollsUntil(until: number, first = 30_000, max = hour): number[] {
  const waits: number[] = [];
  let waited = 0;
  for (let wait = first; waited + wait <= until; wait = nextPollInterval(wait, max, waited)) {
    waited += wait;
    waits.push(wait);
  }
  return waits;
}

describe('the spacing of polls', () => {
  it('doubles up to the maximum during the first day', () => {
    expect(nextPollInterval(30_000, hour, 0)).toBe(minute);
    expect(nextPollInterval(40 * minute, hour, 5 * hour)).toBe(hour);
    expect(nextPollInterval(minute, 5 * minute, 23 * hour)).toBe(2 * minute);
  });

  it('keeps a 24th of the time waited after a day, up to a day', () => {
    expect(nextPollInterval(hour, hour, day)).toBe(hour);
    expect(nextPollInterval(hour, hour, 10 * day)).toBe(10 * hour);
    expect(nextPollInterval(20 * hour, hour, 100 * day)).toBe(day);
    // A step that asked for longer waits keeps them.
    expect(nextPollInterval(2 * day, 3 * day, 100 * day)).toBe(3 * day);
  });

  it('asks a case waiting a month about 115 times, and then once a day', () => {
    const month = pollsUntil(30 * day);
    expect(month.length).toBeGreaterThan(100);
    expect(month.length).toBeLessThan(130);
    const year = pollsUntil(365 * day);
    expect(year.length - month.length).toBeLessThanOrEqual(335);
    expect(Math.max(...year)).toBe(day);
  });
});

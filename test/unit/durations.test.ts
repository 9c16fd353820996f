import { describe, expect, it } from 'vitest';
import { durationMs } from '../../schemas/durations.js';

describe('durationMs', () => {
  it.each([
    ['500ms', 500],
    ['0ms', 0],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['90m', 5_400_000],
  ])('reads %s as %i ms', (duration, ms) => {
    expect(durationMs(duration)).toBe(ms);
  });

  it.each(['', '5', 'ms', '1.5s', '-1s', '5 m', '5M', '5min', '1w', ' 5m', '5m '])(
    'throws a TypeError for %j',
    (duration) => {
      expect(() => durationMs(duration)).toThrow(TypeError);
      expect(() => durationMs(duration)).toThrow(`not a duration: ${duration}`);
    },
  );
});

import { describe, expect, it } from 'vitest';
import { defaultRetry } from '../../bundles/definition.js';
import { callBudgetMs } from '../../workflows/call-budget.js';

const day = 86_400_000;

describe('callBudgetMs', () => {
  it.each([
    [0, day],
    [1, day],
    [5, 5 * day],
    [22, 22 * day],
  ])('gives a step promised in %i working days %i ms by default', (timeLimitWorkingDays, ms) => {
    expect(callBudgetMs({ retry: defaultRetry, timeLimitWorkingDays })).toBe(ms);
  });

  it("takes the step's own budget over the promised time, shorter or longer", () => {
    expect(callBudgetMs({ retry: { ...defaultRetry, budget: '2h' }, timeLimitWorkingDays: 5 })).toBe(
      2 * 3_600_000,
    );
    expect(callBudgetMs({ retry: { ...defaultRetry, budget: '30d' }, timeLimitWorkingDays: 0 })).toBe(
      30 * day,
    );
  });
});

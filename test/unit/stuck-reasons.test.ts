import { describe, expect, it } from 'vitest';
import { humanDuration, stuckMessage, stuckReason } from '../../ops/stuck-reasons.js';
import type { StuckFacts } from '../../db/ops-queries.js';

const now = new Date('2026-11-20T12:00:00Z');
const facts = (over: Partial<StuckFacts>): StuckFacts => ({
  code: 'retrying',
  stepId: 'householdRegistration',
  department: 'police',
  since: new Date('2026-11-20T11:48:00Z'),
  stepStatus: 'running',
  attempts: 5,
  errorMessage: null,
  receiptNumber: null,
  taskKind: null,
  taskRound: null,
  taskAssignee: null,
  ...over,
});

describe('humanDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [45_000, '45s'],
    [720_000, '12m'],
    [3_780_000, '1h 3m'],
    [273_600_000, '3d 4h'],
    [259_200_000, '3d'],
  ])('says %i ms as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('stuck reasons in words', () => {
  it('says a failed call is held for an operator, with its error masked', () => {
    expect(
      stuckMessage(
        facts({
          code: 'step-failed',
          stepStatus: 'failed',
          errorMessage: 'bad answer for 110101199003071234',
        }),
        now,
      ),
    ).toBe(
      'step householdRegistration (police): the police call failed 12m ago; last error: bad answer for 110101********1234; held for an operator to retry or skip it',
    );
  });

  it("says a step waits for a paused department, with the operator's reason", () => {
    expect(
      stuckMessage(
        facts({ code: 'department-paused', stepStatus: 'waiting', errorMessage: 'system down' }),
        now,
      ),
    ).toBe('step householdRegistration (police): paused: police outage, waiting 12m (system down)');
  });

  it('says how long a call is retried, how often, and its last error masked', () => {
    expect(stuckMessage(facts({ errorMessage: 'police answered 503 for 110101199003071234' }), now)).toBe(
      'step householdRegistration (police): the police call has been retried for 12m, 5 attempts so far; last error: police answered 503 for 110101********1234',
    );
  });

  it('words every other kind', () => {
    const since = new Date('2026-11-20T10:00:00Z');
    expect(stuckMessage(facts({ code: 'overdue', since }), now)).toBe(
      'step householdRegistration (police) is 2h past its due time and still running',
    );
    expect(stuckMessage(facts({ code: 'waiting-department', since, receiptNumber: 'P-1' }), now)).toBe(
      'step householdRegistration (police) has waited 2h for the police decision (receipt P-1)',
    );
    expect(
      stuckMessage(
        facts({ code: 'task-overdue', since, taskKind: 'review', taskRound: 2, taskAssignee: null }),
        now,
      ),
    ).toBe(
      'step householdRegistration (police): the review task (round 2) is 2h overdue, not claimed by anyone',
    );
    expect(
      stuckMessage(
        facts({ code: 'task-overdue', since, taskKind: 'review', taskRound: 1, taskAssignee: 'k1 Li' }),
        now,
      ),
    ).toBe('step householdRegistration (police): the review task (round 1) is 2h overdue, claimed by k1 Li');
    expect(
      stuckMessage(facts({ code: 'compensation-failed', since, errorMessage: 'undo refused' }), now),
    ).toBe(
      'step householdRegistration (police): police could not undo the step or cancel its case (2h ago); last error: undo refused; an operator must repair it',
    );
  });

  it('gives the reason with its step and since', () => {
    expect(stuckReason(facts({}), now)).toEqual({
      code: 'retrying',
      stepId: 'householdRegistration',
      since: '2026-11-20T11:48:00.000Z',
      message: expect.stringContaining('retried for 12m'),
    });
  });
});

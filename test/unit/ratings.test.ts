import { describe, expect, it } from 'vitest';
import { newRating, ratingView } from '../../api/ratings.js';
import { ProblemError } from '../../api/problem.js';
import { loadBusinessCalendar } from '../../calendar/load.js';
import type { StepRow } from '../../db/applications.js';
import type { TaskRow } from '../../db/work-list.js';
import type { StepStatus } from '../../schemas/status.js';

const calendar = loadBusinessCalendar();
const id = '00000000-0000-4000-8000-000000000001';

const step = (stepId: string, department: string, status: StepStatus): StepRow => ({
  step_id: stepId,
  department,
  service: `${stepId}-service`,
  title_zh: stepId,
  title_en: stepId,
  status,
  attempts: 1,
  started_at: null,
  completed_at: null,
  outputs: null,
  error: null,
  receipt_number: null,
  waiting: null,
  due_at: null,
});

const steps = [
  step('birth', 'health', 'completed'),
  step('register', 'police', 'completed'),
  step('enrol', 'medical-insurance', 'completed'),
  step('benefit', 'medical-insurance', 'rejected'),
  step('optional', 'tax', 'skipped'),
  step('never', 'cdc', 'pending'),
];

// Thursday 2026-09-24 at 10:00 Shanghai: three working days later is Wednesday 30 September,
// past the Mid-Autumn Festival (Friday 25) and the weekend.
const thursday = new Date('2026-09-24T10:00:00+08:00');

describe('a rating', () => {
  it('opens no rectification without a 差评', () => {
    const rating = newRating(
      id,
      { overall: { stars: 3 }, items: [{ stepId: 'register', stars: 3 }] },
      steps,
      calendar,
      thursday,
    );
    expect(rating.rectifications).toEqual([]);
    expect(rating.items).toEqual([{ stepId: 'register', department: 'police', stars: 3, comment: null }]);
  });

  it('has a department with an item rated 1 or 2 follow it up, on its first such item', () => {
    const rating = newRating(
      id,
      {
        overall: { stars: 4 },
        items: [
          { stepId: 'birth', stars: 5 },
          { stepId: 'benefit', stars: 1, comment: '慢' },
          { stepId: 'enrol', stars: 2 },
        ],
      },
      steps,
      calendar,
      thursday,
    );
    expect(rating.rectifications).toHaveLength(1);
    expect(rating.rectifications[0]).toMatchObject({
      department: 'medical-insurance',
      stepId: 'benefit',
      kind: 'review',
      queue: 'supervisor',
      round: 0,
      dueAt: new Date('2026-09-30T23:59:59.999+08:00'),
    });
    expect(rating.rectifications[0]?.input).toEqual({
      overall: { stars: 4, comment: null },
      items: [
        { stepId: 'benefit', department: 'medical-insurance', stars: 1, comment: '慢' },
        { stepId: 'enrol', department: 'medical-insurance', stars: 2, comment: null },
      ],
    });
  });

  it('has every department that handled an item follow up a 差评 of the whole service, once each', () => {
    const rating = newRating(id, { overall: { stars: 2 }, items: [] }, steps, calendar, thursday);
    expect(rating.rectifications.map((r) => [r.department, r.stepId])).toEqual([
      ['health', 'birth'],
      ['police', 'register'],
      ['medical-insurance', 'enrol'],
    ]);
  });

  it('refuses items no department handled, or rated twice, naming each', () => {
    const refusal = (() => {
      try {
        newRating(
          id,
          {
            overall: { stars: 5 },
            items: [
              { stepId: 'optional', stars: 1 },
              { stepId: 'never', stars: 1 },
              { stepId: 'nowhere', stars: 1 },
              { stepId: 'birth', stars: 1 },
              { stepId: 'birth', stars: 2 },
            ],
          },
          steps,
          calendar,
          thursday,
        );
      } catch (err) {
        return err;
      }
    })();
    expect(refusal).toBeInstanceOf(ProblemError);
    expect((refusal as ProblemError).errors?.map((e) => e.path)).toEqual([
      'body.items.0.stepId',
      'body.items.1.stepId',
      'body.items.2.stepId',
      'body.items.4.stepId',
    ]);
  });

  it('reads received, being rectified, rectified', () => {
    const task = (status: TaskRow['status'], reply?: string) =>
      ({
        department: 'police',
        step_id: 'register',
        status,
        due_at: thursday,
        completed_at: status === 'completed' ? thursday : null,
        decision: reply === undefined ? null : { decision: 'reply', reply },
      }) as TaskRow;
    const record = { stars: 1, comment: null, created_at: thursday, items: [] };
    expect(ratingView({ ...record, rectifications: [] }).state).toBe('received');
    expect(
      ratingView({ ...record, rectifications: [task('completed', 'done'), task('claimed')] }).state,
    ).toBe('being_rectified');
    const done = ratingView({ ...record, rectifications: [task('completed', 'done')] });
    expect(done).toMatchObject({
      state: 'rectified',
      rectifications: [{ status: 'rectified', reply: 'done' }],
    });
  });
});

import { randomUUID } from 'node:crypto';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import type { StepRow } from '../db/applications.js';
import type { ItemRating, NewRating, RatingRecord } from '../db/ratings.js';
import type { NewTask } from '../db/work-list.js';
import { badRatingMaxStars, rectificationWorkingDays } from '../schemas/ratings.js';
import type { RatingBody, RatingState, RatingView } from '../schemas/ratings.js';
import { problemCodes } from '../schemas/error-codes.js';
import { ProblemError } from './problem.js';

/** A department handled the step: it was called or decided, not left pending or skipped. */
export const handledByItsDepartment = (step: Pick<StepRow, 'status'>) =>
  step.status !== 'pending' && step.status !== 'skipped';

const commentOf = (comment: string | undefined) => (comment === undefined || comment === '' ? null : comment);

const isBad = (stars: number) => stars <= badRatingMaxStars;

/**
 * The items of the body against the application's steps: each a step its department handled,
 * each at most once. A 400 names every bad item.
 */
function ratedItems(body: RatingBody, steps: readonly StepRow[]): ItemRating[] {
  const errors: Array<{ path: string; message: string }> = [];
  const seen = new Set<string>();
  const items = body.items.flatMap((item, i) => {
    const step = steps.find((s) => s.step_id === item.stepId);
    const path = `body.items.${i}.stepId`;
    if (!step) errors.push({ path, message: `the application has no step ${item.stepId}` });
    else if (!handledByItsDepartment(step))
      errors.push({ path, message: `step ${item.stepId} was ${step.status}: no department handled it` });
    else if (seen.has(item.stepId)) errors.push({ path, message: `step ${item.stepId} is rated twice` });
    seen.add(item.stepId);
    return step
      ? [
          {
            stepId: step.step_id,
            department: step.department,
            stars: item.stars,
            comment: commentOf(item.comment),
          },
        ]
      : [];
  });
  if (errors.length > 0)
    throw new ProblemError(
      400,
      problemCodes.validationFailed,
      'The rating names items it cannot rate',
      errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      errors,
    );
  return items;
}

/**
 * Who follows up the 差评, one task per department: each department with an item rated 1 or 2,
 * and, when the whole service is rated 1 or 2, every department that handled an item of it (the
 * service is theirs together; the national rules have the department that handled the item
 * answer). A department's task concerns its first item rated badly, or else its first handled.
 */
function rectifiers(overallStars: number, items: readonly ItemRating[], steps: readonly StepRow[]) {
  const byDepartment = new Map<string, StepRow>();
  for (const item of items.filter((i) => isBad(i.stars))) {
    const step = steps.find((s) => s.step_id === item.stepId);
    if (step && !byDepartment.has(step.department)) byDepartment.set(step.department, step);
  }
  if (isBad(overallStars)) {
    for (const step of steps.filter(handledByItsDepartment))
      if (!byDepartment.has(step.department)) byDepartment.set(step.department, step);
  }
  return [...byDepartment.values()];
}

/** The rating to store, with the rectification tasks its 差评 open, due in 3 working days. */
export function newRating(
  applicationId: string,
  body: RatingBody,
  steps: readonly StepRow[],
  calendar: BusinessCalendar,
  now: Date,
): NewRating {
  const items = ratedItems(body, steps);
  const overall = { stars: body.overall.stars, comment: commentOf(body.overall.comment) };
  const dueAt = calendar.addWorkingDays(now, rectificationWorkingDays);
  const rectifications = rectifiers(overall.stars, items, steps).map((step): NewTask => ({
    id: randomUUID(),
    applicationId,
    stepId: step.step_id,
    round: 0,
    department: step.department,
    service: step.service,
    // A supervisor reviews the complaint; round 0 tells it from the step's own review.
    kind: 'review',
    queue: 'supervisor',
    // What the supervisor answers: the whole rating's verdict and the department's own items.
    input: { overall, items: items.filter((i) => i.department === step.department) },
    dueAt,
  }));
  return { applicationId, ...overall, items, rectifications };
}

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

/** The reply a completed rectification carries. */
const replyOf = (decision: Record<string, unknown> | null) =>
  typeof decision?.reply === 'string' ? decision.reply : null;

/** The rating as the portal shows it: received → being rectified → rectified, with the replies. */
export function ratingView(record: RatingRecord): RatingView {
  const rectifications = record.rectifications.map((task) => ({
    department: task.department,
    stepId: task.step_id,
    status: task.status === 'completed' ? ('rectified' as const) : ('being_rectified' as const),
    dueAt: new Date(task.due_at).toISOString(),
    reply: task.status === 'completed' ? replyOf(task.decision) : null,
    repliedAt: iso(task.completed_at),
  }));
  const state: RatingState =
    rectifications.length === 0
      ? 'received'
      : rectifications.every((r) => r.status === 'rectified')
        ? 'rectified'
        : 'being_rectified';
  return {
    state,
    ratedAt: new Date(record.created_at).toISOString(),
    overall: { stars: record.stars, comment: record.comment },
    items: record.items,
    rectifications,
  };
}

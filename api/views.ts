import type { BundleDefinition } from '../bundles/definition.js';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import { expectedDueDates } from '../calendar/expected-dates.js';
import type { ApplicationRow, StepRow } from '../db/applications.js';
import type { ApplicationView } from '../schemas/api.js';
import type { StatutoryLimit, StepDefinition } from '../schemas/bundle.js';
import type { RatingView } from '../schemas/ratings.js';
import { finalApplicationStatuses } from '../schemas/status.js';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const date = (d: Date | string | null) => (d === null ? null : new Date(d));

/** What dating the view needs: the catalogue (step graph, limits) and the deployment's calendar. */
export interface ViewDates {
  bundles: ReadonlyMap<string, BundleDefinition>;
  calendar: BusinessCalendar;
  /** The time `expectedBy` is counted from at the earliest; now when absent. */
  now?: Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The catalogue and calendar every application view is dated with. */
    viewDates: ViewDates;
  }
}

/** A statutory limit counted from the submission ends on a date we can tell; one from a form date does not. */
function statutoryDueAt(limit: StatutoryLimit, createdAt: Date, calendar: BusinessCalendar): string | null {
  if (limit.from !== 'submission') return null;
  if (limit.unit === 'working-days') return calendar.addWorkingDays(createdAt, limit.amount).toISOString();
  const end = new Date(createdAt);
  if (limit.unit === 'days') end.setUTCDate(end.getUTCDate() + limit.amount);
  else end.setUTCMonth(end.getUTCMonth() + limit.amount);
  return end.toISOString();
}

/** The portal's view of an application, from the read model rows, dated on the calendar (and its rating, once rated). */
export function applicationView(
  application: ApplicationRow,
  steps: StepRow[],
  dates: ViewDates,
  rating: RatingView | null = null,
): ApplicationView {
  const { calendar } = dates;
  const bundle = dates.bundles.get(application.bundle_id);
  const definitions = new Map<string, StepDefinition>(bundle?.steps.map((s) => [s.id, s]) ?? []);
  const ended = finalApplicationStatuses.includes(application.status);
  const expected = ended
    ? new Map<string, Date | null>()
    : expectedDueDates(
        steps.map((s) => ({
          id: s.step_id,
          after: definitions.get(s.step_id)?.after ?? null,
          status: s.status,
          timeLimitWorkingDays:
            s.time_limit_working_days ?? definitions.get(s.step_id)?.timeLimitWorkingDays ?? null,
          dueAt: date(s.due_at),
          completedAt: date(s.completed_at),
        })),
        calendar,
        dates.now ?? new Date(),
      );
  const estimated = (d: Date | null | undefined) => (d ? calendar.isEstimated(d) : false);
  const createdAt = new Date(application.created_at);

  return {
    id: application.id,
    bundleId: application.bundle_id,
    bundleVersion: application.bundle_version,
    status: application.status,
    createdAt: createdAt.toISOString(),
    updatedAt: new Date(application.updated_at).toISOString(),
    dueAt: iso(application.due_at),
    region: application.region,
    dueAtEstimated: estimated(date(application.due_at)),
    promisedWorkingDays: bundle?.promisedWorkingDays ?? null,
    statutoryLimits: steps.flatMap((s) => {
      const limit = definitions.get(s.step_id)?.statutoryLimit;
      return limit
        ? [{ stepId: s.step_id, ...limit, dueAt: statutoryDueAt(limit, createdAt, calendar) }]
        : [];
    }),
    steps: steps.map((s) => {
      const definition = definitions.get(s.step_id);
      const expectedBy = expected.get(s.step_id) ?? null;
      return {
        id: s.step_id,
        department: s.department,
        title: { zh: s.title_zh, en: s.title_en },
        status: s.status,
        attempts: s.attempts,
        startedAt: iso(s.started_at),
        completedAt: iso(s.completed_at),
        outputs: s.outputs,
        error: s.error,
        receiptNumber: s.receipt_number,
        waiting: s.waiting,
        dueAt: iso(s.due_at),
        dueAtEstimated: estimated(date(s.due_at)),
        expectedBy: iso(expectedBy),
        expectedByEstimated: estimated(expectedBy),
        timeLimitWorkingDays: s.time_limit_working_days ?? definition?.timeLimitWorkingDays ?? null,
        statutoryLimit: definition?.statutoryLimit ?? null,
        clockExcludes: definition?.clockExcludes ?? [],
      };
    }),
    rating,
  };
}

import type { StepStatus } from '../schemas/status.js';
import type { BusinessCalendar } from './business-calendar.js';

/** What dating a step needs: its place in the graph, its promised limit and where it stands. */
export interface StepToDate {
  id: string;
  /** The steps it runs after; unknown (a step the bundle no longer has): `null`. */
  after: readonly string[] | null;
  status: StepStatus;
  /** Its promised working days, as stored when the application was submitted. */
  timeLimitWorkingDays: number | null;
  dueAt: Date | null;
  completedAt: Date | null;
}

// A predecessor that ended this way blocks its dependants (or waits for an operator's repair),
// so when they will start cannot be said.
const blocking: ReadonlySet<StepStatus> = new Set(['rejected', 'failed', 'compensated']);

/**
 * When each pending step is expected to be due: its promised working days counted on the
 * calendar from the time its predecessors are due (the latest of them; an ended one's end, a
 * pending one's own `expectedBy`), and never from before `now`, since a step cannot start in the
 * past. A pending step with no predecessors is counted from `now`. `null` for a step that is not
 * pending, or whose start cannot be told (a predecessor rejected or failed, a limit unknown).
 */
export function expectedDueDates(
  steps: readonly StepToDate[],
  calendar: BusinessCalendar,
  now: Date,
): Map<string, Date | null> {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const expected = new Map<string, Date | null>();

  // When a step ends if it keeps its promise; undefined when that cannot be told.
  const endOf = (id: string, visiting: Set<string>): Date | undefined => {
    const step = byId.get(id);
    if (!step || blocking.has(step.status)) return undefined;
    if (step.status === 'pending') return expectedOf(step, visiting) ?? undefined;
    if (step.status === 'running' || step.status === 'waiting') return step.dueAt ?? undefined;
    return step.completedAt ?? now;
  };

  const expectedOf = (step: StepToDate, visiting: Set<string>): Date | null => {
    const known = expected.get(step.id);
    if (known !== undefined) return known;
    let result: Date | null = null;
    if (
      step.status === 'pending' &&
      step.after &&
      step.timeLimitWorkingDays !== null &&
      !visiting.has(step.id)
    ) {
      visiting.add(step.id);
      const ends = step.after.map((before) => endOf(before, visiting));
      visiting.delete(step.id);
      if (!ends.includes(undefined)) {
        const from = new Date(Math.max(now.getTime(), ...ends.map((end) => end?.getTime() ?? 0)));
        result = calendar.addWorkingDays(from, step.timeLimitWorkingDays);
      }
    }
    expected.set(step.id, result);
    return result;
  };

  for (const step of steps) expectedOf(step, new Set());
  return expected;
}

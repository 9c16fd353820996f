import { ActivityFailure, ApplicationFailure, condition, setHandler } from '@temporalio/workflow';
import { failureTypes } from '../schemas/error-codes.js';
import { durationMs } from '../schemas/durations.js';
import { departmentResumed } from './messages.js';

/** A paused department is asked again this long after a pause if no resume signal came… */
const firstRecheck = durationMs('1m');
/** …then at doubling intervals up to this, so a long outage adds few events to the history. */
const longestRecheck = durationMs('30m');

/** True if a call failed because an operator paused its department (outage mode). */
export function isDepartmentPaused(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type === failureTypes.departmentPaused;
}

/**
 * Outage mode in the workflow: a call refused because its department is paused does not fail
 * the step; it waits for the department to be resumed and is made again. Nothing is lost and
 * no retry budget is spent while an operator keeps the department paused.
 */
export class DepartmentPauses {
  /** How many resume signals each department has sent. */
  private readonly resumes = new Map<string, number>();

  constructor() {
    setHandler(departmentResumed, ({ department }) => {
      this.resumes.set(department, (this.resumes.get(department) ?? 0) + 1);
    });
  }

  /**
   * Makes the call; while the department is paused, waits for its resume signal (or the next
   * recheck, in case a signal was lost) and calls again. `call` gets how many times it was
   * paused before, so each call can be told apart.
   */
  async callUnlessPaused<T>(department: string, call: (pausedBefore: number) => Promise<T>): Promise<T> {
    let recheck = firstRecheck;
    for (let pausedBefore = 0; ; pausedBefore += 1) {
      const resumesSeen = this.resumes.get(department) ?? 0;
      try {
        return await call(pausedBefore);
      } catch (err) {
        if (!isDepartmentPaused(err)) throw err;
        await condition(() => (this.resumes.get(department) ?? 0) > resumesSeen, recheck);
        recheck = Math.min(recheck * 2, longestRecheck);
      }
    }
  }
}

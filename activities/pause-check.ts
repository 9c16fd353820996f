import { findDepartmentPause } from '../db/department-pauses.js';
import type { DepartmentPauseRow } from '../db/department-pauses.js';
import type { Queryable } from '../db/pool.js';

/** Whether an operator has paused a department: its pause, or undefined. */
export type PauseCheck = (department: string) => Promise<DepartmentPauseRow | undefined>;

/**
 * Reads the pause of a department before each call. "Not paused" is remembered for `ttlMs`, so
 * the hot path asks the database at most once a second per department and a pause takes effect
 * within that time; "paused" is never remembered, so a call after a resume goes out at once.
 */
export function createPauseCheck(db: Queryable, ttlMs = 1000): PauseCheck {
  const openUntil = new Map<string, number>();
  return async (department) => {
    if ((openUntil.get(department) ?? 0) > Date.now()) return undefined;
    const pause = await findDepartmentPause(db, department);
    if (pause) openUntil.delete(department);
    else openUntil.set(department, Date.now() + ttlMs);
    return pause;
  };
}

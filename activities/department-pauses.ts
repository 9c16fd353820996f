import { applicationsPausedOn } from '../db/department-pauses.js';
import type { Pool } from '../db/pool.js';
import type { DepartmentPauseActivities } from './types.js';

/** Reads which applications wait for a paused department, for the resume fan-out. */
export function createDepartmentPauseActivities(deps: { pool: Pool }): DepartmentPauseActivities {
  return {
    applicationsPausedOn: ({ department, after, limit }) =>
      applicationsPausedOn(deps.pool, department, after, limit),
  };
}

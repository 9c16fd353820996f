import type { BusinessCalendar } from '../calendar/business-calendar.js';
import type { DepartmentAdapters } from '../departments/adapter.js';
import type { Pool } from '../db/pool.js';
import { createDepartmentActivities } from './departments.js';
import { createReadModelActivities } from './read-model.js';

export interface ActivityDeps {
  pool: Pool;
  adapters: DepartmentAdapters;
  /** The business calendar that dates the steps' promised limits. */
  calendar?: BusinessCalendar;
}

/** Every activity the worker registers, built over injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return { ...createDepartmentActivities(deps), ...createReadModelActivities(deps) };
}

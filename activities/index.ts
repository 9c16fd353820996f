import type { DepartmentAdapters } from '../departments/adapter.js';
import type { Pool } from '../db/pool.js';
import { createDepartmentActivities } from './departments.js';
import { createReadModelActivities } from './read-model.js';

export interface ActivityDeps {
  pool: Pool;
  adapters: DepartmentAdapters;
}

/** Every activity the worker registers, built over injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return { ...createDepartmentActivities(deps), ...createReadModelActivities(deps) };
}

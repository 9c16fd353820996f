import type { BusinessCalendar } from '../calendar/business-calendar.js';
import type { DepartmentAdapters } from '../departments/adapter.js';
import type { Pool } from '../db/pool.js';
import { defaultBusinessCalendar } from '../calendar/load.js';
import type { ServiceMetrics } from '../metrics/service.js';
import { createStubVideoProvider } from '../video/provider.js';
import type { VideoProvider } from '../video/provider.js';
import { createBulkActionActivities } from './bulk-actions.js';
import { createDepartmentActivities } from './departments.js';
import { createDepartmentPauseActivities } from './department-pauses.js';
import { createWorkListActivities } from './work-list.js';
import { createReadModelActivities } from './read-model.js';

export interface ActivityDeps {
  pool: Pool;
  adapters: DepartmentAdapters;
  /** The business calendar that dates the steps' promised limits. */
  calendar?: BusinessCalendar;
  /** Makes the rooms of video-verification tasks; the stub provider when unset. */
  video?: VideoProvider;
  /** Counts work-list escalations (served at `GET /metrics` where the API shares it). */
  metrics?: ServiceMetrics;
}

/** Every activity the worker registers, built over injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDepartmentActivities(deps),
    ...createReadModelActivities(deps),
    ...createBulkActionActivities({ pool: deps.pool }),
    ...createDepartmentPauseActivities(deps),
    ...createWorkListActivities({
      pool: deps.pool,
      calendar: deps.calendar ?? defaultBusinessCalendar(),
      video: deps.video ?? createStubVideoProvider(),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
  };
}

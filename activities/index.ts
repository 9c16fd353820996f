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
import { createRetentionActivities } from './retention.js';
import type { RetentionPolicy } from '../schemas/retention.js';
import type { MaterialLinkDeps } from './material-links.js';

export interface ActivityDeps {
  pool: Pool;
  adapters: DepartmentAdapters;
  /** The business calendar that dates the steps' promised limits. */
  calendar?: BusinessCalendar;
  /** Makes the rooms of video-verification tasks; the stub provider when unset. */
  video?: VideoProvider;
  /** Counts work-list escalations (served at `GET /metrics` where the API shares it). */
  metrics?: ServiceMetrics;
  /** What the retention job erases when (each bundle's days after the end, the logs' days). */
  retention: RetentionPolicy;
  /** Drops an erased application's data key from this process's memory at once. */
  forgetDataKey?: (applicationId: string) => void;
  /** Hands declared materials to departments as signed links; without it material fields go as ids. */
  materialLinks?: MaterialLinkDeps;
}

/** Every activity the worker registers, built over injected dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createDepartmentActivities(deps),
    ...createReadModelActivities(deps),
    ...createBulkActionActivities({ pool: deps.pool }),
    ...createRetentionActivities({
      pool: deps.pool,
      policy: deps.retention,
      ...(deps.forgetDataKey ? { forgetDataKey: deps.forgetDataKey } : {}),
      ...(deps.materialLinks ? { materials: deps.materialLinks.materials } : {}),
    }),
    ...createDepartmentPauseActivities(deps),
    ...createWorkListActivities({
      pool: deps.pool,
      calendar: deps.calendar ?? defaultBusinessCalendar(),
      video: deps.video ?? createStubVideoProvider(),
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    }),
  };
}

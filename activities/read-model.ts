import type { Pool } from '../db/pool.js';
import { recordTransition } from '../db/transitions.js';
import type { ServiceMetrics } from '../metrics/service.js';
import { finalApplicationStatuses } from '../schemas/status.js';
import type { ReadModelActivities } from './types.js';

/**
 * Projection of workflow transitions into the PostgreSQL read model. An application's final
 * status is counted (`onething_applications_finished_total`) when it is first recorded, so a
 * retried activity counts it once.
 */
export function createReadModelActivities(deps: {
  pool: Pool;
  metrics?: ServiceMetrics;
}): ReadModelActivities {
  return {
    async recordTransitions({ applicationId, transitions }) {
      for (const t of transitions) {
        const recorded = await recordTransition(deps.pool, applicationId, t);
        const status = t.application?.status;
        if (recorded && deps.metrics && status && finalApplicationStatuses.includes(status)) {
          const { rows } = await deps.pool.query<{ bundle_id: string }>(
            'SELECT bundle_id FROM applications WHERE id = $1',
            [applicationId],
          );
          const bundle = rows[0]?.bundle_id ?? 'unknown';
          deps.metrics.applicationsFinished.inc({ bundle, status });
        }
      }
    },
  };
}

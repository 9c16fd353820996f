import type { Pool } from '../db/pool.js';
import { recordTransitions } from '../db/transitions.js';
import type { ReadModelActivities } from './types.js';

/** Projection of workflow transitions into the PostgreSQL read model. */
export function createReadModelActivities(deps: { pool: Pool }): ReadModelActivities {
  return {
    async recordTransitions({ applicationId, transitions }) {
      await recordTransitions(deps.pool, applicationId, transitions);
    },
  };
}

import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { recordAudit } from '../db/audit-log.js';
import { eraseApplication, findDueForErasure, purgeExpiredLogs } from '../db/retention.js';
import { cutoffBefore } from '../schemas/retention.js';
import type { RetentionPolicy } from '../schemas/retention.js';
import type { RetentionActivities } from './types.js';

/** Who the audit log names for what the retention job does. */
export const retentionActor = {
  actorKey: 'system:retention',
  actorName: 'retention schedule',
  role: 'system',
};

const batch = 100;

/**
 * The retention job over the read model: erases the personal data of every application whose
 * bundle's retention after its end has passed (one transaction each: key destroyed, cells
 * cleared, audit entry written), then deletes log entries older than their own retention.
 * Idempotent: a retried run finds erased applications no longer due.
 */
export function createRetentionActivities(deps: {
  pool: Pool;
  policy: RetentionPolicy;
  /** Drops an erased application's data key from this process's memory at once. */
  forgetDataKey?: (applicationId: string) => void;
  /** Deletes the bytes of the materials erased applications named from the object store. */
  materials?: { deleteErasedBytes(): Promise<number> };
}): RetentionActivities {
  return {
    async runRetention({ now }) {
      const at = new Date(now);
      const cutoffs = Object.entries(deps.policy.bundles).map(([bundleId, days]) => ({
        bundleId,
        cutoff: cutoffBefore(at, days),
      }));
      let erased = 0;
      for (;;) {
        const due = await findDueForErasure(deps.pool, cutoffs, batch);
        for (const application of due) {
          const done = await withTransaction(deps.pool, async (db) => {
            if (!(await eraseApplication(db, application.id))) return false;
            await recordAudit(db, {
              ...retentionActor,
              action: 'application.erase',
              applicationId: application.id,
              reason: `retention of ${application.bundle_id}: ${deps.policy.bundles[application.bundle_id]} days after the end`,
              result: 'ok',
              detail: {
                bundleId: application.bundle_id,
                status: application.status,
                endedAt: new Date(application.ended_at).toISOString(),
              },
            });
            return true;
          });
          deps.forgetDataKey?.(application.id);
          if (done) erased += 1;
        }
        if (due.length < batch) break;
      }
      // After the erasures committed: bytes deleted for a material whose erasure rolled back
      // could not be brought back.
      await deps.materials?.deleteErasedBytes();
      const purged = await withTransaction(deps.pool, (db) =>
        purgeExpiredLogs(db, {
          accessLog: cutoffBefore(at, deps.policy.accessLogDays),
          auditLog: cutoffBefore(at, deps.policy.auditLogDays),
        }),
      );
      return { erased, accessLogPurged: purged.accessLog, auditLogPurged: purged.auditLog };
    },
  };
}

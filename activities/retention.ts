import type { Pool } from '../db/pool.js';
import { withTransaction } from '../db/pool.js';
import { recordAudit } from '../db/audit-log.js';
import { eraseUnreferencedMaterials } from '../db/materials.js';
import { eraseApplication, findDueForErasure, purgeExpiredLogs } from '../db/retention.js';
import { cutoffBefore, defaultUnreferencedMaterialMs } from '../schemas/retention.js';
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
 * cleared, audit entry written), then the materials no application named within
 * `unreferencedMaterialMs` of their upload, then deletes log entries older than their own retention.
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
      const materialsErased = await eraseUnreferenced(
        deps.pool,
        new Date(at.getTime() - (deps.policy.unreferencedMaterialMs ?? defaultUnreferencedMaterialMs)),
      );
      // After the erasures committed: bytes deleted for a material whose erasure rolled back
      // could not be brought back.
      await deps.materials?.deleteErasedBytes();
      const purged = await withTransaction(deps.pool, (db) =>
        purgeExpiredLogs(db, {
          accessLog: cutoffBefore(at, deps.policy.accessLogDays),
          auditLog: cutoffBefore(at, deps.policy.auditLogDays),
        }),
      );
      return {
        erased,
        materialsErased,
        accessLogPurged: purged.accessLog,
        auditLogPurged: purged.auditLog,
      };
    },
  };
}

/**
 * Erases the materials uploaded before `before` that no application names (an upload the portal
 * never used), a batch per transaction, each with its audit entry. Returns how many.
 */
async function eraseUnreferenced(pool: Pool, before: Date): Promise<number> {
  let erased = 0;
  for (;;) {
    const batchDone = await withTransaction(pool, async (db) => {
      const result = await eraseUnreferencedMaterials(db, before, batch);
      for (const material of result.erased) {
        await recordAudit(db, {
          ...retentionActor,
          action: 'material.erase',
          target: material.id,
          reason: `never named by an application, uploaded before ${before.toISOString()}`,
          result: 'ok',
          detail: {
            portal: material.portal,
            size: material.size,
            uploadedAt: new Date(material.created_at).toISOString(),
          },
        });
      }
      return result;
    });
    erased += batchDone.erased.length;
    if (batchDone.candidates < batch) return erased;
  }
}

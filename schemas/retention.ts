// Pure values and helpers (no zod): bundles, the retention activity and the configuration share them.

/**
 * How long an ended application's personal data is kept when its bundle declares nothing: three
 * years. The domain notes ask for minimisation (PIPL) and name no period; a deployment sets its
 * own per bundle (`RETENTION_DAYS`).
 */
export const defaultRetentionDays = 1095;

/** How long the access log (what was read or received, shown to the applicant) is kept by default. */
export const defaultAccessLogRetentionDays = 1825;

/** How long the audit log of operator, clerk and admin actions is kept by default. */
export const defaultAuditLogRetentionDays = 3650;

/** What the retention job erases and purges, in days after the end (or after the entry). */
export interface RetentionPolicy {
  /** By bundle id: days after an application ended before its personal data is erased. */
  bundles: Readonly<Record<string, number>>;
  accessLogDays: number;
  auditLogDays: number;
  /**
   * How long after its upload a material no application names is erased, in milliseconds
   * (`MATERIAL_UNREFERENCED_RETENTION`). Unset: `defaultUnreferencedMaterialMs`.
   */
  unreferencedMaterialMs?: number;
}

/** Seven days: a portal names what it uploads within a submission or a supplement, not weeks later. */
export const defaultUnreferencedMaterialMs = 7 * 86_400_000;

const dayMs = 86_400_000;

/** The instant `days` before `now`: what ended (or was logged) before it is due. */
export function cutoffBefore(now: Date, days: number): Date {
  return new Date(now.getTime() - days * dayMs);
}

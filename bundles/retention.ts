import { ConfigError } from '../config.js';
import { defaultAccessLogRetentionDays, defaultAuditLogRetentionDays } from '../schemas/retention.js';
import type { RetentionPolicy } from '../schemas/retention.js';
import type { BundleDefinition } from './definition.js';

/**
 * The retention policy of a deployment: each bundle's own `retentionDays`, overridden by
 * `RETENTION_DAYS` (`<bundle id>=<days>`, comma-separated), and the logs' retention.
 */
export function retentionPolicyOf(
  bundles: Iterable<BundleDefinition>,
  settings: {
    overrides?: string;
    accessLogDays?: number;
    auditLogDays?: number;
    unreferencedMaterialMs?: number;
  } = {},
): RetentionPolicy {
  const days: Record<string, number> = {};
  for (const bundle of bundles) days[bundle.id] = bundle.retentionDays;
  for (const entry of (settings.overrides ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([\w-]+)=(\d+)$/.exec(entry);
    if (!match) throw new ConfigError(`RETENTION_DAYS: "${entry}" is not <bundle id>=<days>`);
    const [, bundleId = '', value = ''] = match;
    if (!(bundleId in days)) {
      throw new ConfigError(
        `RETENTION_DAYS: no bundle ${bundleId} (bundles: ${Object.keys(days).join(', ')})`,
      );
    }
    days[bundleId] = Number(value);
  }
  return {
    bundles: days,
    accessLogDays: settings.accessLogDays ?? defaultAccessLogRetentionDays,
    auditLogDays: settings.auditLogDays ?? defaultAuditLogRetentionDays,
    ...(settings.unreferencedMaterialMs === undefined
      ? {}
      : { unreferencedMaterialMs: settings.unreferencedMaterialMs }),
  };
}

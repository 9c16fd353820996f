import { describe, expect, it } from 'vitest';
import { allBundles } from '../../bundles/index.js';
import { retentionPolicyOf } from '../../bundles/retention.js';
import { ConfigError } from '../../config.js';
import { defaultRetentionDays } from '../../schemas/retention.js';

describe('the retention policy', () => {
  it("takes each bundle's own days, overridden per deployment", () => {
    const policy = retentionPolicyOf(allBundles, {
      overrides: 'newborn=1825, retirement=10',
      auditLogDays: 99,
    });
    expect(policy.bundles).toMatchObject({
      newborn: 1825,
      retirement: 10,
      'business-startup': defaultRetentionDays,
    });
    expect(Object.keys(policy.bundles).sort()).toEqual(allBundles.map((b) => b.id).sort());
    expect(policy).toMatchObject({ accessLogDays: 1825, auditLogDays: 99 });
  });

  it('refuses an override of a bundle that does not exist, or without days', () => {
    expect(() => retentionPolicyOf(allBundles, { overrides: 'nobundle=3' })).toThrow(ConfigError);
    expect(() => retentionPolicyOf(allBundles, { overrides: 'newborn=forever' })).toThrow(/RETENTION_DAYS/);
  });
});

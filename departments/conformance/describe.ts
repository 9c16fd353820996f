import { describe, it } from 'vitest';
import { conformanceChecks } from './checks.js';
import type { ConformanceTarget } from './checks.js';

/**
 * The conformance kit as a vitest suite: one test per check, a skipped test (with the reason) for
 * each check whose hook the target does not give. `target` may be a function, called when each
 * test runs, for targets built in `beforeAll` (a started simulator or sandbox).
 */
export function describeAdapterConformance(
  name: string,
  target: ConformanceTarget | (() => ConformanceTarget | Promise<ConformanceTarget>),
): void {
  describe(name, () => {
    for (const check of conformanceChecks) {
      it(`${check.id}: ${check.title}`, async (context) => {
        const resolved = typeof target === 'function' ? await target() : target;
        const result = await check.run(resolved);
        if (result.status === 'skipped') context.skip(result.reason);
      });
    }
  });
}

import { allBundles } from './all.js';
import { checkBundle, formatProblems } from './check.js';
import type { BundleDefinition } from './definition.js';

/** Every bundle Onething offers, checked when the catalogue loads. */
export { allBundles };

/** Bundles by id; loading fails loudly if any definition is wrong, so a bad bundle never serves. */
export const bundleCatalog: ReadonlyMap<string, BundleDefinition> = (() => {
  const problems = allBundles.flatMap(checkBundle);
  if (problems.length > 0) throw new Error(`Invalid bundle definitions:\n${formatProblems(problems)}`);
  return new Map(allBundles.map((b) => [b.id, b]));
})();

/** The Temporal workflow type that runs a bundle: its id in camel case (`after-death` → `afterDeath`). */
export function workflowTypeOf(bundleId: string): string {
  return bundleId.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

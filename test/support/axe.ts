import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/** The impacts a page may not have: axe's two highest. Moderate and minor ones are reported by axe but allowed. */
const blocking = new Set(['serious', 'critical']);

/**
 * The serious and critical accessibility violations axe-core finds on the page as it is now, one
 * line each (rule, impact, the first offending element), so a failing test says what to fix.
 * Run it once a page has drawn what it is for.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact && blocking.has(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes[0]?.target.join(' ') ?? 'page'}`);
}

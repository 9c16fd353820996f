/**
 * Checks every bundle against the department catalogue: `npm run catalog:check`. Prints each
 * problem (bundle, step, field) and exits 1, or one line saying the catalogue is sound.
 */
import { allBundles } from '../bundles/all.js';
import { checkBundle, formatProblems } from '../bundles/check.js';

const problems = allBundles.flatMap(checkBundle);
if (problems.length > 0) {
  process.stderr.write(`${formatProblems(problems)}\n`);
  process.stderr.write(`catalog check failed: ${problems.length} problem(s)\n`);
  process.exit(1);
}
const steps = allBundles.reduce((total, bundle) => total + bundle.steps.length, 0);
process.stdout.write(`catalog ok: ${allBundles.length} bundles, ${steps} steps\n`);

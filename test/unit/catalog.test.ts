import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkBundle, formatProblems } from '../../bundles/check.js';
import { allBundles, bundleCatalog, workflowTypeOf } from '../../bundles/index.js';
import { departments } from '../../departments/catalog/index.js';
import * as workflows from '../../workflows/index.js';

const run = promisify(execFile);

describe('the bundle catalogue', () => {
  it.each(allBundles.map((b) => [b.id, b] as const))('%s passes the definition check', (_id, bundle) => {
    expect(formatProblems(checkBundle(bundle))).toBe('');
  });

  it('has the bundles of the domain reference, each served by its own workflow type', () => {
    expect([...bundleCatalog.keys()].sort()).toEqual(
      [
        'after-death',
        'business-startup',
        'co-owned-vehicle-change',
        'id-card-reissue',
        'newborn',
        'retirement',
        'ride-hailing-to-private',
        'vehicle-certificate-reissue',
      ].sort(),
    );
    const exported = workflows as Record<string, unknown>;
    for (const bundle of allBundles) expect(typeof exported[workflowTypeOf(bundle.id)]).toBe('function');
    // Nothing else but the operators' jobs and the retention schedule's run: every export of the
    // workflows entry becomes a workflow type.
    const operatorJobs = ['bulkRepair', 'resumeDepartment', 'retentionRun'];
    expect(Object.keys(exported).sort()).toEqual(
      [...allBundles.map((b) => workflowTypeOf(b.id)), ...operatorJobs].sort(),
    );
  });

  it('names a lead department the catalogue has, for every bundle', () => {
    for (const bundle of allBundles) expect(departments[bundle.leadDepartment]).toBeDefined();
  });
});

describe('npm run catalog:check', () => {
  it('exits 0 and says how many bundles and steps it checked', async () => {
    const { stdout } = await run('npx', ['tsx', 'scripts/catalog-check.ts'], { cwd: process.cwd() });
    const steps = allBundles.reduce((total, b) => total + b.steps.length, 0);
    expect(stdout.trim()).toBe(`catalog ok: ${allBundles.length} bundles, ${steps} steps`);
  }, 30_000);
});

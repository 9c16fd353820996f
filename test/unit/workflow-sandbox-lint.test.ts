import { readdirSync } from 'node:fs';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const sandboxRule = '@typescript-eslint/no-restricted-imports';

/** Lints code as if it were a file under workflows/, with only the sandbox rule. */
async function lintAsWorkflow(code: string) {
  const eslint = new ESLint({
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
    ruleFilter: ({ ruleId }) => ruleId === sandboxRule,
  });
  const [result] = await eslint.lintText(code, { filePath: 'workflows/probe.ts' });
  return result?.messages.map((m) => m.message) ?? [];
}

/** Every folder of the repository but workflows/ and what workflows share (schemas/): read, not listed, so a new folder is covered too. */
const nodeSideFolders = readdirSync(new URL('../../', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
  .map((entry) => entry.name)
  .filter((name) => name !== 'workflows' && name !== 'schemas' && name !== 'node_modules');

describe('the workflow sandbox lint rule', () => {
  it('refuses Node built-ins, clients and the world in workflow code', async () => {
    for (const source of [
      'node:fs',
      'crypto',
      'pg',
      'zod',
      '@temporalio/client',
      '@temporalio/activity',
      '../db/pool.js',
      '../departments/adapter.js',
      '../activities/departments.js',
      '../temporal/codec.js',
      '../config.js',
      '../worker.js',
    ]) {
      const messages = await lintAsWorkflow(`import { x } from '${source}';\nexport const y = x;\n`);
      expect(messages, source).toHaveLength(1);
    }
  });

  it('refuses every Node-side folder, type-only imports included', async () => {
    expect(nodeSideFolders).toEqual(expect.arrayContaining(['api', 'db', 'activities', 'test']));
    for (const folder of nodeSideFolders) {
      const source = `../${folder}/probe.js`;
      expect(
        await lintAsWorkflow(`import { x } from '${source}';\nexport const y = x;\n`),
        source,
      ).toHaveLength(1);
      expect(
        await lintAsWorkflow(`import type { X } from '${source}';\nexport type Y = X;\n`),
        source,
      ).toHaveLength(1);
    }
  });

  it('allows the workflow SDK, sibling helpers, schemas, the activities’ types and workflow ids', async () => {
    const messages = await lintAsWorkflow(
      [
        "import { proxyActivities } from '@temporalio/workflow';",
        "import { buildStepInput } from './step-inputs.js';",
        "import { durationMs } from '../schemas/durations.js';",
        "import { applicationWorkflowId } from '../temporal/ids.js';",
        "import type { DepartmentActivities } from '../activities/types.js';",
        'export const y = [proxyActivities, buildStepInput, durationMs, applicationWorkflowId];',
        'export type Z = DepartmentActivities;',
      ].join('\n'),
    );
    expect(messages).toEqual([]);
  });
});

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

describe('the workflow sandbox lint rule', () => {
  it('refuses Node built-ins, clients and the world in workflow code', async () => {
    for (const source of [
      'node:fs',
      'crypto',
      'pg',
      '@temporalio/client',
      '@temporalio/activity',
      '../db/pool.js',
      '../departments/adapter.js',
    ]) {
      const messages = await lintAsWorkflow(`import { x } from '${source}';\nexport const y = x;\n`);
      expect(messages, source).toHaveLength(1);
    }
  });

  it('allows the workflow SDK, pure helpers and type-only imports', async () => {
    const messages = await lintAsWorkflow(
      [
        "import { proxyActivities } from '@temporalio/workflow';",
        "import { durationMs } from './durations.js';",
        "import type { DepartmentActivities } from '../activities/types.js';",
        "import type { Pool } from '../db/pool.js';",
        'export const y = [proxyActivities, durationMs];',
        'export type Z = DepartmentActivities | Pool;',
      ].join('\n'),
    );
    expect(messages).toEqual([]);
  });
});

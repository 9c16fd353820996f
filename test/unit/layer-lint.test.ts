import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const importRule = '@typescript-eslint/no-restricted-imports';

/** Lints one import as if it were in a file at `filePath`, with only the import rule. */
async function messagesFor(filePath: string, source: string, kind: 'value' | 'type' = 'value') {
  const eslint = new ESLint({
    overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
    ruleFilter: ({ ruleId }) => ruleId === importRule,
  });
  const code =
    kind === 'type'
      ? `import type { X } from '${source}';\nexport let y: X;\n`
      : `import { x } from '${source}';\nexport const y = x;\n`;
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.map((m) => m.message) ?? [];
}

// [file the import is in, what it imports]: each must be refused, as a value and as a type.
const refused: Array<[string, string]> = [
  // schemas/ imports only zod and other schemas.
  ['schemas/probe.ts', '../workflows/run-bundle.js'],
  ['schemas/probe.ts', '../ops/stuck-reasons.js'],
  ['schemas/probe.ts', 'pg'],
  ['schemas/probe.ts', '@temporalio/common'],
  // db/ imports no code of the layers above it.
  ...[
    'api/auth/principal.js',
    'ops/stuck-reasons.js',
    'bundles/definition.js',
    'activities/types.js',
    'workflows/messages.js',
    'notifications/dispatcher.js',
    'departments/adapter.js',
    'stack/onething.js',
    'scripts/ops.js',
    'bench/stack.js',
    'console/format.js',
  ].map((target): [string, string] => ['db/probe.ts', `../${target}`]),
  // activities/ import no workflow code (nor the API or the processes).
  ...[
    'workflows/messages.js',
    'workflows/bulk-repair-contract.js',
    'api/app.js',
    'notifications/dispatcher.js',
    'stack/onething.js',
    'scripts/ops.js',
    'bench/stack.js',
    'console/format.js',
  ].map((target): [string, string] => ['activities/probe.ts', `../${target}`]),
  // Nobody imports the SDK's internals.
  ['api/routes/probe.ts', '@temporalio/common/lib/time.js'],
  ['api/probe.ts', '@temporalio/common/lib/internal-non-workflow/codec-helpers.js'],
  ['db/probe.ts', '@temporalio/client/lib/workflow-client.js'],
  ['notifications/probe.ts', '@temporalio/common/lib/time.js'],
  ['test/unit/probe.test.ts', '@temporalio/common/lib/time.js'],
  // Only tests import tests.
  ['bench/probe.ts', '../test/support/free-port.js'],
  ['stack/probe.ts', '../test/support/stack.js'],
  ['api/routes/probe.ts', '../../test/support/stack.js'],
  // The console is served on its own.
  ['console/probe.js', '../schemas/status.js'],
  ['console/probe.js', 'zod'],
];

// What the same rules let through.
const allowed: Array<[string, string]> = [
  ['schemas/probe.ts', 'zod'],
  ['schemas/probe.ts', './status.js'],
  ['db/probe.ts', '../schemas/principal.js'],
  ['db/probe.ts', '../calendar/business-calendar.js'],
  ['db/probe.ts', './pool.js'],
  ['db/probe.ts', 'pg'],
  ['activities/probe.ts', './types.js'],
  ['activities/probe.ts', '../db/pool.js'],
  ['activities/probe.ts', '../schemas/repair-actions.js'],
  ['activities/probe.ts', '@temporalio/client'],
  ['api/routes/probe.ts', '@temporalio/common'],
  ['api/routes/probe.ts', '../../workflows/messages.js'],
  ['test/unit/probe.test.ts', '../support/free-port.js'],
  ['console/probe.js', './dom.js'],
];

describe('the layer import rules', () => {
  it.each(refused)('refuses, in %s, an import of %s', async (file, source) => {
    expect(await messagesFor(file, source)).toHaveLength(1);
    expect(await messagesFor(file, source, 'type')).toHaveLength(1);
  });

  it.each(allowed)('allows, in %s, an import of %s', async (file, source) => {
    expect(await messagesFor(file, source)).toEqual([]);
  });
});

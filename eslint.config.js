import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Layers flow one way, and a rule, not a convention, keeps them so. Each folder's rule names what
// it must not import; `import type` counts too, since a type ties one layer to another as much as a
// value does. Patterns of one rule never overlap, so a wrong import is reported once.

/** A relative import that reaches one of these top-level folders, from any depth. */
const folders = (...names) => `^(\\.\\./)+(${names.join('|')})(/|$)`;

/** What no module imports. */
const everywhere = [
  {
    regex: '^@temporalio/[^/]+/lib/',
    message: "Use the Temporal SDK's public exports: its lib/ internals change in any release.",
  },
  {
    regex: folders('test'),
    message: 'Tests and their helpers are imported by tests only.',
  },
];

// Workflow code runs in Temporal's deterministic sandbox: it may import only the workflow SDK and,
// outside its own folder, the contracts it shares (schemas, the activities' types, workflow ids).
// Everything else (Node built-ins, clients, every Node-side folder, and any folder added later)
// stays out: an allowlist, so a new folder needs no new rule.
const workflowSandbox = [
  {
    regex: '^(?!\\.|@temporalio/workflow$)',
    message:
      'Workflows import only @temporalio/workflow of the packages: Node built-ins and clients are not deterministic; use them in activities.',
  },
  {
    regex: '^\\.\\./(?!schemas/|activities/types\\.js$|temporal/ids\\.js$)',
    message:
      'Reach the world through activities: outside workflows/, workflow code imports only schemas/, activities/types.js and temporal/ids.js.',
  },
];

const layers = {
  'schemas/**/*.ts': [
    {
      regex: '^(?!zod$|\\./)',
      message: 'schemas/ holds the contracts every layer shares: it imports only zod and other schemas.',
    },
  ],
  'db/**/*.ts': [
    ...everywhere,
    {
      regex: folders(
        'api',
        'ops',
        'bundles',
        'activities',
        'workflows',
        'notifications',
        'departments',
        'stack',
        'scripts',
        'bench',
        'console',
      ),
      message:
        'db/ is the read model the other layers use: it imports schemas/ and pure helpers; move a shared contract to schemas/.',
    },
  ],
  'activities/**/*.ts': [
    ...everywhere,
    {
      regex: folders('workflows', 'api', 'notifications', 'stack', 'scripts', 'bench', 'console'),
      message:
        'Activities serve workflows and never import them (nor the API or the processes): contracts live in activities/types.ts or schemas/.',
    },
  ],
  'workflows/**/*.ts': workflowSandbox,
  // The one workflow module that runs Temporal's OpenTelemetry workflow interceptors: their
  // documented entry for workflow code is the package's lib/workflow (its root pulls in the
  // worker and client), bundled into the sandbox like @temporalio/workflow.
  'workflows/tracing-interceptors.ts': [
    {
      regex: '^(?!\\.|@temporalio/workflow$|@temporalio/interceptors-opentelemetry/lib/workflow/index\\.js$)',
      message:
        'The tracing interceptor module imports only the workflow SDK and the OpenTelemetry workflow interceptors.',
    },
    {
      regex: '^\\.\\./',
      message: 'The tracing interceptor module stands alone: it imports nothing of the project.',
    },
  ],
  'console/**/*.js': [
    {
      regex: '^(?!\\./)',
      message: 'The console is served alone at /console: it imports only its own modules.',
    },
  ],
};

const importRule = (patterns) => ({
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  // The client's types are generated (npm run client:types) and checked for staleness, not linted.
  {
    ignores: [
      'node_modules',
      'dist',
      '.data',
      '.venv',
      'test/histories',
      'clients/typescript/src/schema.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      // Fastify plugins and handlers are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
    },
  },
  // Later entries replace the rule for their folder, so each folder's entry lists all of its patterns.
  { files: ['**/*.ts', '**/*.js'], rules: importRule(everywhere) },
  ...Object.entries(layers).map(([files, patterns]) => ({ files: [files], rules: importRule(patterns) })),
  {
    // Matchers such as expect.objectContaining are typed any by design.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  // Command-line shims: a few lines of plain Node that load the TypeScript they run.
  { files: ['bin/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['bin/*.js'], languageOptions: { globals: globals.node } },
  // The operators' console: plain browser modules, type-checked by `tsc -p console` (JSDoc).
  { files: ['console/**/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['console/**/*.js'], languageOptions: { globals: globals.browser } },
  // Plain ES modules loaded by path before any TypeScript loader (the benchmark's memory probe).
  { files: ['**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.mjs'], languageOptions: { globals: globals.node } },
  // CommonJS loaded by path (the Temporal failure converter): plain JavaScript, outside the TypeScript project.
  { files: ['**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

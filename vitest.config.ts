import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Starts one Temporal dev server and one PostgreSQL for the run and bundles the workflows once;
    // each test file then gets its own database, task queue, simulator and worker.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    // One file at a time: the Temporal server, PostgreSQL and the simulators already share the two
    // cores, and the time-skipping test server stalls when another file's worker loads the machine.
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});

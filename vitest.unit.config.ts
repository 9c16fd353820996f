import { defineConfig } from 'vitest/config';

// Unit tests only: no Temporal, no PostgreSQL, so no globalSetup. `npx vitest run --config vitest.unit.config.ts`.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    reporters: ['default'],
  },
});

import type { Pool } from '../db/pool.js';

/**
 * A pool whose every query succeeds at once, affecting one row: the engine's read-model writes
 * then cost nothing, which prices PostgreSQL's share of the engine's overhead. Diagnostic only.
 */
export function stubPool(): Pool {
  const result = { rows: [], rowCount: 1 };
  const client = { query: async () => result, release: () => undefined };
  return {
    connect: async () => client,
    query: async () => result,
    end: async () => undefined,
  } as unknown as Pool;
}

import { pino } from 'pino';
import { createPool } from '../../db/pool.js';
import { attachDataKeys } from '../../privacy/sealer.js';
import { startApiRole } from '../../stack/api-role.js';
import type { TestStack } from './stack.js';

/**
 * A second API process's view of the stack: its own pool (with the same data keys) and its own
 * LISTEN connection, the same database and Temporal. What a portal or clerk reconnecting to
 * another API process meets. `stop` closes the API, then its pool.
 */
export async function startSecondApi(stack: TestStack): Promise<{ url: string; stop(): Promise<void> }> {
  const pool = createPool(stack.databaseUrl, 4);
  attachDataKeys(pool, stack.keyring);
  try {
    const api = await startApiRole({
      deps: { ...stack.apiDeps, pool },
      app: { authCacheTtlMs: 0, rateLimitPerMinute: 100_000 },
      listen: { host: '127.0.0.1', port: 0 },
      log: pino({ enabled: false }),
    });
    return {
      url: api.url,
      async stop() {
        await api.stop();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}

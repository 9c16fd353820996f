import { describe, expect, it } from 'vitest';
import { createPauseCheck } from '../../activities/pause-check.js';
import type { Queryable } from '../../db/pool.js';

/** A database stub answering the pause lookup from a set, counting the questions. */
function pausesIn(paused: Set<string>) {
  const db = {
    asked: 0,
    query: async (config: { values: unknown[] }) => {
      db.asked += 1;
      const department = String(config.values[0]);
      return {
        rows: paused.has(department)
          ? [{ department, reason: 'outage', paused_by: 'key_1 ops', paused_at: new Date(0) }]
          : [],
      };
    },
  };
  return db;
}

describe('the pause check before each department call', () => {
  it('remembers "not paused" for its time to live, so the hot path rarely asks', async () => {
    const db = pausesIn(new Set());
    const check = createPauseCheck(db as unknown as Queryable, 60_000);
    for (let i = 0; i < 5; i += 1) expect(await check('police')).toBeUndefined();
    expect(db.asked).toBe(1);
  });

  it('never remembers "paused", so a call after a resume goes out at once', async () => {
    const paused = new Set(['police']);
    const db = pausesIn(paused);
    const check = createPauseCheck(db as unknown as Queryable, 60_000);
    expect(await check('police')).toMatchObject({ department: 'police', reason: 'outage' });
    paused.delete('police');
    expect(await check('police')).toBeUndefined();
    expect(db.asked).toBe(2);
  });
});

import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import type { Pool } from '../../db/pool.js';
import { bulkActionKindSchema } from '../../schemas/bulk-actions.js';
import { bulkRepairActions, repairActions } from '../../schemas/repair-actions.js';
import { createTestDatabase } from '../support/database.js';

// A migration cannot import the list it checks, so this test is the guard: it reads the CHECK
// constraints the migrations left in a real database and compares them with schemas/.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let pool: Pool;

beforeAll(async () => {
  database = await createTestDatabase(inject('postgresAdminUrl'));
  pool = createPool(database.url, 2);
  await migrate(pool);
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

/** The values the CHECK constraint on `table.column` admits, as the database holds it. */
async function checkedValues(table: string, column: string): Promise<string[]> {
  const { rows } = await pool.query<{ definition: string }>(
    `SELECT pg_get_constraintdef(c.oid) AS definition
     FROM pg_constraint c
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attname = $2
     WHERE c.conrelid = $1::regclass AND c.contype = 'c' AND c.conkey = ARRAY[a.attnum]`,
    [table, column],
  );
  expect(rows, `one CHECK on ${table}.${column}`).toHaveLength(1);
  // e.g. CHECK ((action = ANY (ARRAY['retry'::text, 'resend'::text])))
  return [...(rows[0]?.definition ?? '').matchAll(/'([^']*)'::text/g)].map((m) => m[1] ?? '');
}

describe('the repair actions', () => {
  it('are one list, of which bulk actions take those that need no outputs', () => {
    expect(repairActions).toEqual(expect.arrayContaining([...bulkRepairActions, 'skip']));
    expect(bulkActionKindSchema.options).toEqual([...bulkRepairActions]);
  });

  it('that a bulk action stores are exactly those the CHECK on bulk_actions.action admits', async () => {
    expect((await checkedValues('bulk_actions', 'action')).sort()).toEqual([...bulkRepairActions].sort());
  });
});

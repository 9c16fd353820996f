import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import type { Pool } from '../../db/pool.js';
import {
  bulkActionKindSchema,
  bulkActionStateSchema,
  bulkItemStateSchema,
} from '../../schemas/bulk-actions.js';
import { bulkRepairActions, repairActions } from '../../schemas/repair-actions.js';
import { applicationStatusSchema, stepStatusSchema } from '../../schemas/status.js';
import { taskKindSchema, taskQueueSchema, taskStatusSchema } from '../../schemas/work-list.js';
import { failedDeliveryStatusSchema } from '../../schemas/webhooks.js';
import { createTestDatabase } from '../support/database.js';

// A migration cannot import the lists it checks, so this test is the guard: it reads the CHECK
// constraints the migrations left in a real database and compares each with its list in schemas/.
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

// [table, column, the list in schemas/ the column must admit exactly]
const checked: Array<[string, string, readonly string[]]> = [
  ['applications', 'status', applicationStatusSchema.options],
  ['application_steps', 'status', stepStatusSchema.options],
  ['human_tasks', 'kind', taskKindSchema.options],
  ['human_tasks', 'status', taskStatusSchema.options],
  ['human_tasks', 'queue', taskQueueSchema.options],
  ['bulk_actions', 'action', bulkRepairActions],
  ['bulk_actions', 'state', bulkActionStateSchema.options],
  ['bulk_action_items', 'state', bulkItemStateSchema.options],
  ['webhook_failed_deliveries', 'status', failedDeliveryStatusSchema.options],
];

describe('the lists the database checks', () => {
  it.each(checked)('%s.%s admits exactly its list in schemas/', async (table, column, list) => {
    expect((await checkedValues(table, column)).sort()).toEqual([...list].sort());
  });

  it('include one list of repair actions, of which bulk actions take those that need no outputs', () => {
    expect(repairActions).toEqual(expect.arrayContaining([...bulkRepairActions, 'skip']));
    expect(bulkActionKindSchema.options).toEqual([...bulkRepairActions]);
  });
});

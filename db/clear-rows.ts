import type { Queryable } from './pool.js';
import { sealedPrefix } from './sealing.js';

/**
 * The personal columns of the read model stored before encryption at rest (migration 0017):
 * whole JSON values, sealed whole, and step errors, whose message alone is sealed.
 */
export const sealedColumns = [
  { table: 'application_steps', column: 'outputs', part: 'whole' },
  { table: 'application_steps', column: 'error', part: 'message' },
  { table: 'application_events', column: 'data', part: 'whole' },
  { table: 'human_tasks', column: 'input', part: 'whole' },
  { table: 'human_tasks', column: 'supplement', part: 'whole' },
  { table: 'human_tasks', column: 'decision', part: 'whole' },
] as const;

export type SealedColumn = (typeof sealedColumns)[number];

/** A row whose column is still in clear; `row` is its physical address, valid until it changes. */
export interface ClearCell {
  row: string;
  application_id: string;
  value: unknown;
}

function clearWhere(c: SealedColumn): string {
  if (c.part === 'message') {
    return `jsonb_typeof(error) = 'object' AND error ? 'message'
      AND left(error ->> 'message', ${sealedPrefix.length}) <> '${sealedPrefix}'`;
  }
  // An event without outputs or error has `{}`: nothing to seal.
  return `${c.column} IS NOT NULL AND jsonb_typeof(${c.column}) <> 'string' AND ${c.column} <> '{}'::jsonb`;
}

/** A batch of cells of `c` still in clear. */
export async function listClearCells(db: Queryable, c: SealedColumn, limit: number): Promise<ClearCell[]> {
  const { rows } = await db.query<ClearCell>(
    `SELECT ctid::text AS row, application_id::text, ${c.column} AS value FROM ${c.table}
     WHERE ${clearWhere(c)} LIMIT $1`,
    [limit],
  );
  return rows;
}

/**
 * Replaces one cell if it still holds the value read: a row the application changed meanwhile
 * (then written sealed) or moved is left to the next pass.
 */
export async function replaceClearCell(
  db: Queryable,
  c: SealedColumn,
  cell: ClearCell,
  sealed: unknown,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE ${c.table} SET ${c.column} = $2::jsonb WHERE ctid = $1::tid AND ${c.column} = $3::jsonb`,
    [cell.row, JSON.stringify(sealed), JSON.stringify(cell.value)],
  );
  return result.rowCount === 1;
}

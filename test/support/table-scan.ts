import type { Queryable } from '../../db/pool.js';
import { findIdNumbers } from './log-scan.js';

// Every column that can hold text: what someone with a copy of the database could read.
const textual = ['text', 'character varying', 'character', 'json', 'jsonb', 'bytea', 'ARRAY', 'USER-DEFINED'];

/** Every table of the public schema and its text, JSON, bytea and array columns. */
async function textColumns(db: Queryable): Promise<Array<{ table: string; column: string; type: string }>> {
  const { rows } = await db.query<{ table: string; column: string; type: string }>(
    `SELECT c.table_name AS table, c.column_name AS column, c.data_type AS type
     FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type = ANY($1::text[])
     ORDER BY 1, 2`,
    [textual],
  );
  return rows;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Reads every text-like cell of every table and reports where one of `values`, or any valid
 * resident ID number, stands in clear: `<table>.<column>: <value>` (ID numbers masked).
 */
export async function scanTablesForClearText(
  db: Queryable,
  values: readonly string[],
): Promise<{ tables: number; cells: number; findings: string[] }> {
  const columns = await textColumns(db);
  const findings = new Set<string>();
  let cells = 0;
  for (const { table, column, type } of columns) {
    // bytea as its bytes read as UTF-8 (a clear value stored as bytes is still clear).
    const expr = type === 'bytea' ? `encode(${quote(column)}, 'hex')` : `${quote(column)}::text`;
    const { rows } = await db.query<{ v: string }>(
      `SELECT ${expr} AS v FROM ${quote(table)} WHERE ${quote(column)} IS NOT NULL`,
    );
    for (const row of rows) {
      const v = type === 'bytea' ? Buffer.from(row.v, 'hex').toString('utf8') : row.v;
      cells += 1;
      for (const value of values) if (v.includes(value)) findings.add(`${table}.${column}: ${value}`);
      for (const id of findIdNumbers(v)) findings.add(`${table}.${column}: ID number ${id}`);
    }
  }
  return { tables: new Set(columns.map((c) => c.table)).size, cells, findings: [...findings] };
}

const personalKey =
  /name|idnumber|phone|mobile|account|address|licen[cs]e|plate|certificatenumber|recordnumber/i;

/** The string values of a request (applicant and form) under keys that name personal data, at any depth. */
export function personalValuesOf(value: unknown, key = '', out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (personalKey.test(key) && value.length >= 2) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) personalValuesOf(item, key, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) personalValuesOf(v, k, out);
  }
  return out;
}

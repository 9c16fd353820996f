import type { EventSpread } from './history.js';
import type { Spread } from './stats.js';

/** Fixed digits, or '-' for what was not measured. */
export const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

/** A median with its spread over rounds: `0.81 (0.75–0.86)`. */
export const withSpread = (s: Spread | undefined, digits = 1) =>
  s ? `${f(s.median, digits)} (${f(s.min, digits)}–${f(s.max, digits)})` : '-';

export const percent = (share: number | undefined) => `${f((share ?? Number.NaN) * 100, 0)} %`;

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** History events per workflow by type, one column per kind (mean, and min–max where they differ). */
export function historyTable(columns: Array<[string, EventSpread | undefined]>): string {
  const types = [...new Set(columns.flatMap(([, spread]) => Object.keys(spread ?? {})))].sort();
  const cell = (spread: EventSpread | undefined, type: string) => {
    const v = spread?.[type];
    if (!v) return '0';
    return v.min === v.max ? String(v.min) : `${f(v.mean)} (${v.min}–${v.max})`;
  };
  return table(
    ['event', ...columns.map(([label]) => label)],
    types.map((t) => [t, ...columns.map(([, spread]) => cell(spread, t))]),
  );
}

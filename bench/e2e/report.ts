import { f, historyTable, percent, table, withSpread } from '../format.js';
import type { EndToEnd } from './end-to-end.js';
import { e2eKindLabels } from './rounds.js';
import type { E2eKind } from './rounds.js';

/** The target: the engine as a portal sees it keeps at least this share of raw Temporal's rate. */
export const e2eTargetRatio = 0.8;
// Above this share of the machine, something else was running and the round is not comparable.
const othersWarning = 0.05;

/** The end-to-end comparison for the terminal. */
export function formatEndToEnd(e: EndToEnd): string[] {
  const { kinds, summary } = e;
  const roundsCount = Math.max(0, ...e.rounds.map((r) => r.round));
  const roundOf = (kind: E2eKind, round: number) =>
    e.rounds.find((r) => r.kind === kind && r.round === round);
  const cell = (kind: E2eKind, round: number) => {
    const r = roundOf(kind, round);
    return `${f(r?.rate ?? Number.NaN)}${(r?.othersBusy ?? 0) > othersWarning ? '*' : ' '}`;
  };
  const engineKinds = kinds.filter((k) => k !== 'raw');
  const ratioCell = (kind: E2eKind, round: number) =>
    f((roundOf(kind, round)?.rate ?? Number.NaN) / (roundOf('raw', round)?.rate ?? Number.NaN), 2);
  const ratioOf = (kind: E2eKind) => (kind === 'e2eSse' ? e.ratios.e2eSseToRaw : e.ratios.e2eToRaw);
  const rows = Array.from({ length: roundsCount }, (_, i) => [
    `round ${i + 1}`,
    ...kinds.map((k) => cell(k, i + 1)),
    ...engineKinds.map((k) => ratioCell(k, i + 1)),
  ]);
  rows.push([
    'median (min–max)',
    ...kinds.map((k) => withSpread(summary[k]?.rate)),
    ...engineKinds.map((k) => withSpread(ratioOf(k), 2)),
  ]);
  const met = (ratio: number) => `target ≥ ${e2eTargetRatio}: ${ratio >= e2eTargetRatio ? 'met' : 'NOT met'}`;
  const cpu = (k: E2eKind) => summary[k]?.cpuMsPerApplication ?? {};
  const groups = [...new Set(kinds.flatMap((k) => Object.keys(cpu(k))))]
    .filter((g) => kinds.some((k) => (cpu(k)[g]?.median ?? 0) >= 0.1))
    .sort();
  return [
    `End to end, as a portal sees it: ${e.applications} newborn applications per round, ${e.inFlight} in flight, ${roundsCount} rounds of each kind, alternating`,
    table(
      [
        'applications/s',
        ...kinds.map((k) => e2eKindLabels[k]),
        ...engineKinds.map((k) => `${e2eKindLabels[k]}/raw`),
      ],
      rows,
    ),
    ...(e.rounds.some((r) => r.othersBusy > othersWarning)
      ? [`* other processes used over ${othersWarning * 100} % of the machine in this round`]
      : []),
    ...engineKinds.map(
      (k) =>
        `ratio ${e2eKindLabels[k]}/raw = ${f(ratioOf(k).median, 2)} (rounds ${f(ratioOf(k).min, 2)}–${f(ratioOf(k).max, 2)}); ${met(ratioOf(k).median)}`,
    ),
    '',
    'Submission → end seen by the client, all measured rounds (ms)',
    table(
      ['', 'p50', 'p95', 'p99', 'max'],
      kinds.map((k) => {
        const l = summary[k]?.latencyMs;
        return [
          e2eKindLabels[k],
          f(l?.p50 ?? NaN, 0),
          f(l?.p95 ?? NaN, 0),
          f(l?.p99 ?? NaN, 0),
          f(l?.max ?? NaN, 0),
        ];
      }),
    ),
    '',
    'CPU ms per application, median of the rounds (min–max); bench = the load generator, and for raw its worker and client',
    table(
      ['process', ...kinds.map((k) => e2eKindLabels[k])],
      [
        ...groups.map((g) => [g, ...kinds.map((k) => withSpread(cpu(k)[g]))]),
        ['total', ...kinds.map((k) => withSpread(summary[k]?.cpuTotal))],
        ['by others (machine)', ...kinds.map((k) => percent(summary[k]?.othersBusy.median))],
      ],
    ),
    `GETs per application while polling: ${withSpread(summary.e2e?.readsPerApplication)}`,
    '',
    `History events per application (mean, min–max over a sample of the last round of each kind)`,
    historyTable(kinds.map((k) => [e2eKindLabels[k], e.history[k]])),
    ...engineKinds.map((k) => {
      const ratio = (e.history[k]?.total?.mean ?? NaN) / (e.history.raw?.total?.mean ?? NaN);
      return `events ${e2eKindLabels[k]}/raw = ${f(ratio, 2)}; target ≤ 1.2: ${ratio <= 1.2 ? 'met' : 'NOT met'}`;
    }),
    ...Object.entries(e.statements ?? {}).flatMap(([kind, rows]) => [
      '',
      `PostgreSQL statements per application, ${e2eKindLabels[kind as E2eKind]}, last round (pg_stat_statements; execution only)`,
      table(
        ['statement', 'calls', 'exec ms'],
        rows.map((r) => [r.query, f(r.callsPerApplication, 2), f(r.msPerApplication, 2)]),
      ),
    ]),
  ];
}

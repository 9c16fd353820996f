import type { EndToEnd } from './e2e/end-to-end.js';
import { formatEndToEnd } from './e2e/report.js';
import type { EngineVsRaw } from './engine-vs-raw.js';
import { f, historyTable, percent, table, withSpread } from './format.js';
import { spreadOf } from './stats.js';
import type { EncodingCounts, EventSpread } from './history.js';
import { kindLabels } from './kinds.js';
import type { Kind } from './kinds.js';
import type { ReadComparison } from './read/compare.js';
import { formatReads } from './read/report.js';

/** The engine at the worker against raw Temporal, as written to `.data/bench/latest.json`. */
export interface WorkerLevelResults {
  settings: { workflows: number; rounds: number; warmupWorkflows: number; diagnose: boolean };
  engineVsRaw: Omit<EngineVsRaw, 'applicationIds' | 'lastWorkflowIds'>;
  /** History events per workflow over a sample of the last round of each kind, and their payloads by encoding. */
  history: {
    sampled: number;
    byKind: Partial<Record<Kind, EventSpread>>;
    /** Summed over the sample: shows which kinds the server held encrypted payloads for. */
    payloadEncodings: Partial<Record<Kind, EncodingCounts>>;
  };
}

/** Everything one run measured, as written to `.data/bench/latest.json`. */
export interface BenchResults {
  date: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  /** The commit measured; `dirty`: with uncommitted changes to tracked files. */
  source: { commit: string; dirty: boolean } | undefined;
  services: { temporal: string; postgres: string };
  /** The machine's 1-, 5- and 15-minute load averages when the run started and ended. */
  load: { start: number[]; end: number[] };
  /** End to end first: it is what a portal sees. */
  endToEnd?: EndToEnd;
  reads?: ReadComparison;
  workerLevel?: WorkerLevelResults;
  totalSeconds: number;
}

/** Issue 14's target at the worker: the engine keeps at least this share of raw Temporal's rate. */
export const workerTargetRatio = 0.9;

const signed = (n: number) => `${n >= 0 ? '+' : ''}${f(n, 1)}`;
// Above this share of the machine, something else was running and the rates are not comparable.
const othersWarning = 0.05;

/** A plain-text report for the terminal: end to end first, then the reads, then the worker level. */
export function formatReport(r: BenchResults): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(', ');
  return [
    `Onething benchmarks, ${r.date}: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`,
    `Code: ${r.source ? `${r.source.commit}${r.source.dirty ? ' with uncommitted changes' : ''}` : 'unknown'}`,
    `Temporal: ${r.services.temporal}`,
    `PostgreSQL: ${r.services.postgres}`,
    `Load average (1, 5, 15 min): ${load(r.load.start)} at the start, ${load(r.load.end)} at the end`,
    ...(r.endToEnd ? ['', ...formatEndToEnd(r.endToEnd)] : []),
    ...(r.reads ? ['', ...formatReads(r.reads)] : []),
    ...(r.workerLevel ? ['', ...formatWorkerLevel(r.workerLevel)] : []),
    '',
    `total ${f(r.totalSeconds)} s`,
  ].join('\n');
}

/** The engine at the worker (no API, no HTTP) against raw Temporal. */
function formatWorkerLevel(r: WorkerLevelResults): string[] {
  const { engineVsRaw: e } = r;
  const kinds = e.kinds;
  const roundOf = (kind: Kind, round: number) => e.rounds.find((x) => x.round === round && x.kind === kind);
  const rateOf = (kind: Kind, round: number) => roundOf(kind, round)?.rate ?? Number.NaN;
  // A round during which other processes were busy is marked, not dropped: the reader decides.
  const cell = (kind: Kind, round: number) =>
    `${f(rateOf(kind, round))}${(roundOf(kind, round)?.othersBusy ?? 0) > othersWarning ? '*' : ' '}`;
  const disturbed = e.rounds.some((x) => (x.othersBusy ?? 0) > othersWarning);
  const rounds = Array.from({ length: r.settings.rounds }, (_, i) => i + 1);
  const pairs: Array<[Kind, Kind]> = [
    ['engine', 'raw'],
    ['engineEncrypted', 'raw'],
    ['engineEncrypted', 'engine'],
  ];
  const shown = pairs.filter(([a, b]) => kinds.includes(a) && kinds.includes(b));
  const perRound = (a: Kind, b: Kind) => spreadOf(rounds.map((i) => rateOf(a, i) / rateOf(b, i)));
  const roundRows = rounds.map((i) => [
    `round ${i}`,
    ...kinds.map((k) => cell(k, i)),
    ...shown.map(([a, b]) => f(rateOf(a, i) / rateOf(b, i), 2)),
  ]);
  const medianRow = [
    'median (min–max)',
    ...kinds.map((k) => withSpread(spreadOf(rounds.map((i) => rateOf(k, i))))),
    // The ratio of the kinds' median rates, and the spread of the per-round ratios.
    ...shown.map(([a, b]) => {
      const spread = perRound(a, b);
      return `${f(ratioOfMedians(e, a, b), 2)} (${f(spread.min, 2)}–${f(spread.max, 2)})`;
    }),
  ];
  const met = (ratio: number) =>
    `target ≥ ${workerTargetRatio}: ${ratio >= workerTargetRatio ? 'met' : 'NOT met'}`;
  const label = (k: Kind) => kindLabels[k];
  return [
    `At the worker (engine with a no-op department adapter, started from a Temporal client, no API): ${r.settings.workflows} workflows per round started at once, ${r.settings.rounds} rounds of each kind, alternating`,
    table(
      ['workflows/s', ...kinds.map(label), ...shown.map(([a, b]) => `${label(a)}/${label(b)}`)],
      [...roundRows, medianRow],
    ),
    ...(disturbed
      ? [`* other processes used over ${othersWarning * 100} % of the machine in this round`]
      : []),
    ...shown.map(
      ([a, b]) =>
        `ratio ${label(a)}/${label(b)} = ${f(ratioOfMedians(e, a, b), 2)}${b === 'raw' ? `; ${met(ratioOfMedians(e, a, b))}` : ''}`,
    ),
    '',
    'Start → result latency per workflow, all measured rounds (ms)',
    table(
      ['', 'p50', 'p95', 'max'],
      kinds.map((k) => {
        const l = e.summary[k]?.latencyMs;
        return [label(k), f(l?.p50 ?? Number.NaN, 0), f(l?.p95 ?? Number.NaN, 0), f(l?.max ?? Number.NaN, 0)];
      }),
    ),
    '',
    ...cpuSection(r),
    '',
    `History events per workflow (mean, min–max over ${r.history.sampled} of the last round of each kind)`,
    historyTable(kinds.map((k) => [label(k), r.history.byKind[k]])),
    `Payloads in those histories by encoding: ${kinds
      .map((k) => {
        const counts = Object.entries(r.history.payloadEncodings[k] ?? {});
        return `${label(k)}: ${counts.length > 0 ? counts.map(([enc, n]) => `${enc} ${n}`).join(', ') : 'none'}`;
      })
      .join('; ')}`,
  ];
}

function ratioOfMedians(e: WorkerLevelResults['engineVsRaw'], a: Kind, b: Kind): number {
  return (e.summary[a]?.medianRate ?? Number.NaN) / (e.summary[b]?.medianRate ?? Number.NaN);
}

function cpuSection(r: WorkerLevelResults): string[] {
  const { kinds, rounds } = r.engineVsRaw;
  const cpuOf = (k: Kind, g: string) =>
    spreadOf(rounds.filter((x) => x.kind === k).map((x) => x.cpuMsPerWorkflow?.[g] ?? 0));
  const totalOf = (k: Kind) =>
    spreadOf(
      rounds
        .filter((x) => x.kind === k)
        .map((x) => Object.values(x.cpuMsPerWorkflow ?? {}).reduce((a, b) => a + b, 0)),
    );
  const groups = [...new Set(rounds.flatMap((x) => Object.keys(x.cpuMsPerWorkflow ?? {})))]
    // Bundling and other one-off children round to nothing per workflow.
    .filter((g) => kinds.some((k) => cpuOf(k, g).median >= 0.1))
    .sort();
  if (groups.length === 0) return ['CPU per workflow: /proc not readable, not measured'];
  const summary = r.engineVsRaw.summary;
  return [
    'CPU ms per workflow, median of the rounds (min–max); bench = this process: workers and client',
    table(
      ['process', ...kinds.map((k) => kindLabels[k])],
      [
        ...groups.map((g) => [g, ...kinds.map((k) => withSpread(cpuOf(k, g)))]),
        ['total', ...kinds.map((k) => withSpread(totalOf(k)))],
        ['machine busy', ...kinds.map((k) => percent(summary[k]?.machineBusy))],
        ['  by others', ...kinds.map((k) => percent(summary[k]?.othersBusy))],
      ],
    ),
    ...(kinds.includes('engineEncrypted') && kinds.includes('engine')
      ? [
          `encryption adds ${f(totalOf('engineEncrypted').median - totalOf('engine').median, 1)} CPU ms per workflow (${groups
            .map((g) => `${g} ${signed(cpuOf('engineEncrypted', g).median - cpuOf('engine', g).median)}`)
            .join(', ')})`,
        ]
      : []),
    ...(kinds.some((k) => (summary[k]?.othersBusy ?? 0) > othersWarning)
      ? [
          `WARNING: in half the rounds of a kind or more, other processes used over ${othersWarning * 100} % of the machine; rerun on a quiet one.`,
        ]
      : []),
  ];
}

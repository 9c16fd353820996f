import type { ApiThroughput } from './api-throughput.js';
import type { EngineVsRaw } from './engine-vs-raw.js';
import type { EncodingCounts, EventSpread } from './history.js';
import { kindLabels } from './kinds.js';
import type { Kind } from './kinds.js';

/** Everything one run measured, as written to `.data/bench/latest.json`. */
export interface BenchResults {
  date: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  /** The commit measured; `dirty`: with uncommitted changes to tracked files. */
  source: { commit: string; dirty: boolean } | undefined;
  services: { temporal: string; postgres: string };
  settings: {
    workflows: number;
    rounds: number;
    warmupWorkflows: number;
    diagnose: boolean;
    requests: number;
    concurrency: number;
  };
  engineVsRaw: Omit<EngineVsRaw, 'applicationIds' | 'lastWorkflowIds'>;
  /** History events per workflow over a sample of the last round of each kind, and their payloads by encoding. */
  history: {
    sampled: number;
    byKind: Partial<Record<Kind, EventSpread>>;
    /** Summed over the sample: shows which kinds the server held encrypted payloads for. */
    payloadEncodings: Partial<Record<Kind, EncodingCounts>>;
  };
  api: ApiThroughput;
  totalSeconds: number;
}

/** The ratio the issue asks for: the engine keeps at least this share of raw Temporal's rate. */
export const targetRatio = 0.8;

const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');
const percent = (share: number | undefined) => `${f((share ?? Number.NaN) * 100, 0)} %`;
const signed = (n: number) => `${n >= 0 ? '+' : ''}${f(n, 1)}`;
// Above this share of the machine, something else was running and the rates are not comparable.
const othersWarning = 0.05;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A plain-text report for the terminal. */
export function formatReport(r: BenchResults): string {
  const { engineVsRaw: e, api } = r;
  const kinds = e.kinds;
  const labels = kinds.map((k) => kindLabels[k]);
  const roundOf = (kind: Kind, round: number) => e.rounds.find((x) => x.round === round && x.kind === kind);
  const rateOf = (kind: Kind, round: number) => roundOf(kind, round)?.rate ?? Number.NaN;
  // A round during which other processes were busy is marked, not dropped: the reader decides.
  const cell = (kind: Kind, round: number) =>
    `${f(rateOf(kind, round))}${(roundOf(kind, round)?.othersBusy ?? 0) > othersWarning ? '*' : ' '}`;
  const disturbed = e.rounds.some((x) => (x.othersBusy ?? 0) > othersWarning);
  const ratioOf = (round: number, a: Kind, b: Kind) => f(rateOf(a, round) / rateOf(b, round), 2);
  const roundRows = Array.from({ length: r.settings.rounds }, (_, i) => [
    `round ${i + 1}`,
    ...kinds.map((k) => cell(k, i + 1)),
    ratioOf(i + 1, 'engine', 'raw'),
    ratioOf(i + 1, 'engineEncrypted', 'raw'),
    ratioOf(i + 1, 'engineEncrypted', 'engine'),
  ]);
  const { engineToRaw, encryptedToRaw, encryptedToEngine } = e.ratios;
  const median = [
    'median',
    ...kinds.map((k) => `${f(e.summary[k]?.medianRate ?? Number.NaN)} `),
    f(engineToRaw, 2),
    f(encryptedToRaw, 2),
    f(encryptedToEngine, 2),
  ];
  const met = (ratio: number) => `target ≥ ${targetRatio}: ${ratio >= targetRatio ? 'met' : 'NOT met'}`;
  const aes = kindLabels.engineEncrypted;
  return [
    `Onething benchmarks, ${r.date}: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}`,
    `Code: ${r.source ? `${r.source.commit}${r.source.dirty ? ' with uncommitted changes' : ''}` : 'unknown'}`,
    `Temporal: ${r.services.temporal}`,
    `PostgreSQL: ${r.services.postgres}`,
    '',
    `Workflows per second: ${r.settings.workflows} per round, ${r.settings.rounds} rounds of each kind, alternating`,
    table(['workflows/s', ...labels, 'engine/raw', `${aes}/raw`, `${aes}/engine`], [...roundRows, median]),
    ...(disturbed
      ? [`* other processes used over ${othersWarning * 100} % of the machine in this round`]
      : []),
    `ratio engine/raw = ${f(engineToRaw, 2)}; ${met(engineToRaw)}`,
    `ratio ${aes}/raw = ${f(encryptedToRaw, 2)} (as deployed: every payload encrypted); ${met(encryptedToRaw)}`,
    `ratio ${aes}/engine = ${f(encryptedToEngine, 2)}: what the engine keeps of its rate with every payload encrypted`,
    '',
    'Start → result latency per workflow, all measured rounds (ms)',
    table(
      ['', 'p50', 'p95', 'max'],
      kinds.map((k) => {
        const l = e.summary[k]?.latencyMs;
        return [
          kindLabels[k],
          f(l?.p50 ?? Number.NaN, 0),
          f(l?.p95 ?? Number.NaN, 0),
          f(l?.max ?? Number.NaN, 0),
        ];
      }),
    ),
    '',
    ...cpuSection(r),
    '',
    ...historySection(r),
    '',
    `API GET /v1/applications/:id: ${api.requests} requests, ${api.concurrency} in flight, over ${api.distinctIds} ids`,
    table(
      ['requests/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'],
      [
        [
          f(api.requestsPerSecond, 0),
          f(api.latencyMs.p50, 2),
          f(api.latencyMs.p95, 2),
          f(api.latencyMs.p99, 2),
          f(api.latencyMs.max, 2),
          String(api.errors),
        ],
      ],
    ),
    ...(api.firstError ? [`first error: ${api.firstError}`] : []),
    '',
    `total ${f(r.totalSeconds)} s`,
  ].join('\n');
}

function cpuSection(r: BenchResults): string[] {
  const { kinds, summary } = r.engineVsRaw;
  const cpu = (k: Kind) => summary[k]?.cpuMsPerWorkflow ?? {};
  const groups = [...new Set(kinds.flatMap((k) => Object.keys(cpu(k))))]
    // Bundling and other one-off children round to nothing per workflow.
    .filter((g) => kinds.some((k) => (cpu(k)[g] ?? 0) >= 0.1))
    .sort();
  if (groups.length === 0) return ['CPU per workflow: /proc not readable, not measured'];
  const total = (k: Kind) => Object.values(cpu(k)).reduce((a, b) => a + b, 0);
  return [
    'CPU ms per workflow, median of the rounds (bench = this process: workers and client)',
    table(
      ['process', ...kinds.map((k) => kindLabels[k])],
      [
        ...groups.map((g) => [g, ...kinds.map((k) => f(cpu(k)[g] ?? 0, 1))]),
        ['total', ...kinds.map((k) => f(total(k), 1))],
        ['machine busy', ...kinds.map((k) => percent(summary[k]?.machineBusy))],
        ['  by others', ...kinds.map((k) => percent(summary[k]?.othersBusy))],
      ],
    ),
    ...(kinds.includes('engineEncrypted') && kinds.includes('engine')
      ? [
          `encryption adds ${f(total('engineEncrypted') - total('engine'), 1)} CPU ms per workflow (${groups
            .map((g) => `${g} ${signed((cpu('engineEncrypted')[g] ?? 0) - (cpu('engine')[g] ?? 0))}`)
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

function historySection(r: BenchResults): string[] {
  const { byKind, sampled, payloadEncodings } = r.history;
  const kinds = r.engineVsRaw.kinds;
  const types = [...new Set(kinds.flatMap((k) => Object.keys(byKind[k] ?? {})))].sort();
  const cell = (k: Kind, type: string) => {
    const v = byKind[k]?.[type];
    if (!v) return '0';
    return v.min === v.max ? String(v.min) : `${f(v.mean)} (${v.min}–${v.max})`;
  };
  return [
    `History events per workflow (mean, min–max over ${sampled} of the last round of each kind)`,
    table(
      ['event', ...kinds.map((k) => kindLabels[k])],
      types.map((t) => [t, ...kinds.map((k) => cell(k, t))]),
    ),
    `Payloads in those histories by encoding: ${kinds
      .map((k) => {
        const counts = Object.entries(payloadEncodings[k] ?? {});
        return `${kindLabels[k]}: ${counts.length > 0 ? counts.map(([e, n]) => `${e} ${n}`).join(', ') : 'none'}`;
      })
      .join('; ')}`,
  ];
}

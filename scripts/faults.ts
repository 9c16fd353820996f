/**
 * The fault suite at full size (`npm run faults`): runs every scenario under test/faults against
 * real processes, then writes the results table of RELIABILITY.md from what each scenario
 * recorded. CI runs the same files at a bounded size as part of the test suite.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';
import { join, resolve } from 'node:path';

/** One line of the results file, as test/faults/results.ts writes it. */
interface FaultResult {
  id: string;
  scenario: string;
  figures: Record<string, number | string>;
  invariants: Record<string, boolean>;
}

const resultsFile = resolve('.data/faults/results.jsonl');
await mkdir(join(resultsFile, '..'), { recursive: true });
await rm(resultsFile, { force: true });
const run = spawnSync(
  'npx',
  ['vitest', 'run', 'test/faults', 'test/integration/production-cluster.test.ts', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: { ...process.env, FAULTS_FULL: '1', FAULTS_RESULTS: resultsFile },
  },
);
const results = (await readFile(resultsFile, 'utf8').catch(() => ''))
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as FaultResult & { at: string });
// Formatted as the lint's prettier check expects, so a fault run leaves the tree clean.
const updated = withTable(await readFile('RELIABILITY.md', 'utf8'), results);
await writeFile(
  'RELIABILITY.md',
  await format(updated, { parser: 'markdown', ...(await resolveConfig('RELIABILITY.md')) }),
);
process.stdout.write(`RELIABILITY.md: ${results.length} scenarios recorded\n`);
process.exit(run.status ?? 1);

/** A row's scenario id, its first cell: `| R7 | …` → `R7`. */
const idOf = (row: string) => row.split('|')[1]?.trim() ?? '';

/** R1 … R10 in order, then the production-shaped P rows. */
const byScenario = (a: string, b: string) =>
  a[0]!.localeCompare(b[0]!) * -1 || Number(a.slice(1)) - Number(b.slice(1));

/**
 * RELIABILITY.md with the rows between its markers replaced by `results`, one row per scenario.
 * The rows of scenarios this run did not record stay: R10 (the soak runs in `npm run bench`), and
 * any left out when the run was given a part of the suite.
 */
function withTable(document: string, rows: Array<FaultResult & { at: string }>): string {
  const begin = '<!-- fault results: begin -->';
  const end = '<!-- fault results: end -->';
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start < 0 || stop < 0) throw new Error(`RELIABILITY.md lacks the markers ${begin} … ${end}`);
  const recorded = new Set(rows.map((r) => r.id));
  const kept = document
    .slice(start + begin.length, stop)
    .split('\n')
    .filter((line) => /^\| [RP]\d+ /.test(line) && !recorded.has(idOf(line)));
  const fresh = rows.map((r) => {
    const figures = Object.entries(r.figures)
      .map(([k, v]) => `${k}: ${v}`)
      .join('<br>');
    const failed = Object.entries(r.invariants).filter(([, ok]) => !ok);
    const invariants =
      failed.length === 0
        ? `all ${Object.keys(r.invariants).length} held`
        : `**failed:** ${failed.map(([k]) => k).join(', ')}`;
    return `| ${r.id} | ${r.scenario} | ${figures} | ${invariants} | ${r.at.slice(0, 16).replace('T', ' ')} UTC |`;
  });
  const table = [
    '| id | what was done | figures | invariants | run |',
    '|---|---|---|---|---|',
    // A stable sort: a scenario's several rows keep the order they were recorded in.
    ...[...kept, ...fresh].sort((a, b) => byScenario(idOf(a), idOf(b))),
  ].join('\n');
  return `${document.slice(0, start + begin.length)}\n${table}\n${document.slice(stop)}`;
}

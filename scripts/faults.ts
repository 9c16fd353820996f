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

/** RELIABILITY.md with the rows between its markers replaced by `results`, one row per scenario. */
function withTable(document: string, rows: Array<FaultResult & { at: string }>): string {
  const begin = '<!-- fault results: begin -->';
  const end = '<!-- fault results: end -->';
  const table = [
    '| id | what was done | figures | invariants | run |',
    '|---|---|---|---|---|',
    ...rows
      // R1 … R10 in order, then the production-shaped P rows.
      .sort((a, b) => a.id[0]!.localeCompare(b.id[0]!) * -1 || Number(a.id.slice(1)) - Number(b.id.slice(1)))
      .map((r) => {
        const figures = Object.entries(r.figures)
          .map(([k, v]) => `${k}: ${v}`)
          .join('<br>');
        const failed = Object.entries(r.invariants).filter(([, ok]) => !ok);
        const invariants =
          failed.length === 0
            ? `all ${Object.keys(r.invariants).length} held`
            : `**failed:** ${failed.map(([k]) => k).join(', ')}`;
        return `| ${r.id} | ${r.scenario} | ${figures} | ${invariants} | ${r.at.slice(0, 16).replace('T', ' ')} UTC |`;
      }),
  ].join('\n');
  const start = document.indexOf(begin);
  const stop = document.indexOf(end);
  if (start < 0 || stop < 0) throw new Error(`RELIABILITY.md lacks the markers ${begin} … ${end}`);
  return `${document.slice(0, start + begin.length)}\n${table}\n${document.slice(stop)}`;
}

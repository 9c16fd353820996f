/**
 * Where a process's CPU went, from a V8 profile (`BENCH_PROFILE=1 npm run bench -- e2e` writes
 * the API's and the worker's to .data/bench/profiles): `npx tsx bench/profile-summary.ts <file>`
 * prints self time by area (a package in node_modules, a folder of this repository, Node's
 * internals, the garbage collector) and the functions that took most.
 */
import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package (with its scope) or the repository folder a script belongs to. */
function areaOf(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('/node_modules/');
  if (inModules >= 0) {
    const [first = '', second = ''] = path.slice(inModules + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const local = relative(process.cwd(), path);
  return local.startsWith('..') ? path : `./${local.split('/')[0] ?? local}`;
}

async function summarise(file: string, top = 30) {
  const profile = JSON.parse(await readFile(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()]
    .filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)')
    .reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const key = `${functionName || '(anonymous)'} ${area}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const share = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  const lines = [`${file}: ${(busy / 1e6).toFixed(1)} s busy of ${(total / 1e6).toFixed(1)} s sampled`];
  lines.push('by area:');
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`  ${share(us)}  ${area}`);
  lines.push('by function (self time):');
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`  ${share(us)}  ${fn}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

for (const file of process.argv.slice(2)) await summarise(file);

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  manifestFile,
  parseManifest,
  readManifest,
  recordedFiles,
  sha256,
} from '../support/history-manifest.js';
import { historiesDir } from '../support/replay-fixtures.js';

const git = async (...args: string[]) => (await promisify(execFile)('git', args)).stdout;

/**
 * Every version of the manifest along this branch's line, oldest first, then the working tree's:
 * first parents only, so a merge is one step and a merged branch's own commits, which never had
 * the lines main gained meanwhile, are not read as dropping them.
 */
async function manifestVersions(): Promise<Array<{ at: string; text: string }>> {
  const commits = (await git('log', '--first-parent', '--reverse', '--format=%H', '--', manifestFile))
    .split('\n')
    .filter(Boolean);
  const versions = [];
  for (const commit of commits) {
    const text = await git('show', `${commit}:${manifestFile}`).catch(() => '');
    versions.push({ at: commit.slice(0, 10), text });
  }
  versions.push({ at: 'the working tree', text: await readManifest() });
  return versions;
}

/** Lines of `before` that `after` no longer has: a recording changed or removed. */
const dropped = (before: string, after: string) => {
  const kept = new Set(parseManifest(after).lines);
  return parseManifest(before).lines.filter((line) => !kept.has(line));
};

describe('recorded histories are append-only', () => {
  it('lists every recording under test/histories with the hash of its content', async () => {
    const { hashes } = parseManifest(await readManifest());
    const files = await recordedFiles();
    expect([...hashes.keys()].sort()).toEqual(files);
    for (const file of files) {
      expect(sha256(await readFile(join(historiesDir, file))), `${file} changed`).toBe(hashes.get(file));
    }
  });

  it('never drops or changes a line of the manifest in any commit since it was introduced', async () => {
    const versions = await manifestVersions();
    expect(versions.length).toBeGreaterThan(0);
    for (let i = 1; i < versions.length; i += 1) {
      const [before, after] = [versions[i - 1], versions[i]] as [
        { at: string; text: string },
        { at: string; text: string },
      ];
      expect(dropped(before.text, after.text), `recordings changed or removed in ${after.at}`).toEqual([]);
    }
  });

  it('keeps every recording that main has, when working on another branch', async () => {
    const main = await git('show', `main:${manifestFile}`).catch(() => undefined);
    // On main itself (or where main has no manifest yet) this compares the manifest with itself.
    const reference = main ?? (await readManifest());
    expect(dropped(reference, await readManifest())).toEqual([]);
  });

  it('finds a changed line, so the checks above can fail', () => {
    const line = (hash: string, file: string) => `${hash.repeat(64)}  ${file}`;
    const before = [line('a', 'x.history.json'), line('b', 'y.history.json')].join('\n');
    const rerecorded = [line('c', 'x.history.json'), line('b', 'y.history.json')].join('\n');
    const appended = `${before}\n${line('d', 'z.history.json')}`;
    expect(dropped(before, rerecorded)).toEqual([line('a', 'x.history.json')]);
    expect(dropped(before, appended)).toEqual([]);
  });
});

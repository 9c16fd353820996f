import { createHash } from 'node:crypto';
import { access, appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { historiesDir } from './replay-fixtures.js';

/**
 * The recorded histories are append-only: a running application's history must keep replaying,
 * so yesterday's recordings never change. `SHA256SUMS` (the format `sha256sum` reads) lists every
 * file under `test/histories` with its hash; lines are only ever added.
 */
export const manifestFile = join(historiesDir, 'SHA256SUMS');

/** The manifest as file name → sha256, and its lines in order. */
export function parseManifest(text: string): { lines: string[]; hashes: Map<string, string> } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const hashes = new Map<string, string>();
  for (const line of lines) {
    const match = /^([0-9a-f]{64}) {2}(\S+)$/.exec(line);
    if (!match) throw new Error(`not a SHA256SUMS line: ${line}`);
    hashes.set(match[2] as string, match[1] as string);
  }
  return { lines, hashes };
}

export const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

/** The files under test/histories the manifest must list (all but itself). */
export async function recordedFiles(): Promise<string[]> {
  return (await readdir(historiesDir)).filter((f) => f !== 'SHA256SUMS').sort();
}

/**
 * Writes a new recording and appends it to the manifest. An existing recording is kept as it is
 * (never re-recorded): new behaviour gets a new name beside the old one. Says which it did.
 */
export async function addRecording(file: string, content: string): Promise<'written' | 'kept'> {
  const path = join(historiesDir, file);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  if (exists) return 'kept';
  await writeFile(path, content);
  await appendFile(manifestFile, `${sha256(content)}  ${file}\n`);
  return 'written';
}

/** The manifest's current text. */
export const readManifest = () => readFile(manifestFile, 'utf8');

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Keyring } from '../../temporal/codec.js';

/** Where the recorded histories of every bundle live; replayed in CI against the current workflow code. */
export const historiesDir = join('test', 'histories');

/** The fixed key the recorded histories were encrypted with (they hold only synthetic example data). */
export async function fixtureKeyring(): Promise<Keyring> {
  const file = JSON.parse(await readFile(join(historiesDir, 'keyring.json'), 'utf8')) as {
    keyId: string;
    key: string;
  };
  return { currentKeyId: file.keyId, keys: new Map([[file.keyId, Buffer.from(file.key, 'base64')]]) };
}

/** Every recorded history, as `{ workflowId, history }` for `Worker.runReplayHistories`. */
export async function recordedHistories(): Promise<
  Array<{ name: string; workflowId: string; history: unknown }>
> {
  const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.history.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const history: unknown = JSON.parse(await readFile(join(historiesDir, file), 'utf8'));
      return { name: file, workflowId: file.replace('.history.json', ''), history };
    }),
  );
}

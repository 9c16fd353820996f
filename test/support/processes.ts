import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { eventually } from './eventually.js';

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
}

/**
 * Runs `node --import tsx <script>` with `env` over the test's environment and waits for a line
 * containing `readyLine`. Its output goes to `logFile`, which the run's log scan reads.
 */
export async function startOnethingProcess(options: {
  script: string;
  args?: string[];
  env: Record<string, string>;
  readyLine: string;
  logFile: string;
  readyTimeoutMs?: number;
}): Promise<OnethingProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', options.script, ...(options.args ?? [])], {
    // Its own process group, so that "every process it started" can be found and killed at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.script} did not start a process`);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let output = '';
  const exited = exitOf(child);
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      output = (output + chunk.toString()).slice(-20_000);
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
  return {
    pid,
    output: () => output,
    exited,
    processes,
    async terminate(ms = 60_000) {
      child.kill('SIGTERM');
      return withTimeout(exited, ms, () => new Error(`${options.script} did not stop within ${ms} ms`));
    },
    async killEverything() {
      process.kill(-pid, 'SIGKILL');
      await exited;
      // The group's other members die with the same signal; wait until the kernel has them gone.
      await eventually(
        'the killed processes to go',
        async () => ((await processes()).length === 0 ? true : undefined),
        10_000,
      );
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

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually } from './eventually.js';

/** The ports of one embedded stack; kept across its restarts, as a machine's would be. */
export interface EmbeddedPorts {
  api: number;
  temporal: number;
  postgres: number;
  simulator: number;
}

/** `npm start` as a separate OS process, in its own process group. */
export interface EmbeddedProcess {
  pid: number;
  apiUrl: string;
  simulatorUrl: string;
  /** The development keys it printed and keeps in `<DATA_DIR>/dev-keys.json`. */
  devKeys: Record<string, string>;
  /** SIGTERM to the main process only, as a service manager sends it; resolves with its exit code. */
  terminate(timeoutMs?: number): Promise<number | null>;
  /** Power loss: SIGKILL to every process it started (PostgreSQL and the Temporal server too). */
  killEverything(): Promise<void>;
  /** Every live process of its group (the main one, PostgreSQL's, the Temporal server). */
  processes(): Promise<number[]>;
}

/**
 * Starts `scripts/start.ts` the way `npm start` does, on `dataDir` and `ports`, and waits for its
 * "Onething is running" line. Everything it prints goes to `logFile` (scanned for personal data).
 */
export async function startEmbeddedProcess(options: {
  dataDir: string;
  ports: EmbeddedPorts;
  logFile: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<EmbeddedProcess> {
  const { ports } = options;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    // Its own process group, so that "every process it started" can be found and killed at once.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: options.dataDir,
      API_PORT: String(ports.api),
      TEMPORAL_DEV_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: '0',
      EMBEDDED_POSTGRES_PORT: String(ports.postgres),
      SIMULATOR_PORT: String(ports.simulator),
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the embedded stack did not start a process');
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      output = (output + chunk.toString()).slice(-20_000);
      if (output.includes('Onething is running')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) =>
      reject(new Error(`the embedded stack exited (${code ?? signal}) before it was ready:\n${output}`)),
    );
  });
  const exited = exitOf(child);
  const timeoutMs = options.readyTimeoutMs ?? 120_000;
  await withTimeout(ready, timeoutMs, () => {
    process.kill(-pid, 'SIGKILL');
    return new Error(`the embedded stack was not ready within ${timeoutMs} ms:\n${output}`);
  });
  const devKeys = JSON.parse(await readFile(join(options.dataDir, 'dev-keys.json'), 'utf8')) as Record<
    string,
    string
  >;
  const processes = () => processesInGroup(pid);
  return {
    pid,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    simulatorUrl: `http://127.0.0.1:${ports.simulator}`,
    devKeys,
    processes,
    async terminate(ms = 60_000) {
      child.kill('SIGTERM');
      return withTimeout(exited, ms, () => new Error(`the embedded stack did not stop within ${ms} ms`));
    },
    async killEverything() {
      process.kill(-pid, 'SIGKILL');
      await exited;
      // The group's other members (PostgreSQL, the Temporal server) die with the same signal.
      await eventually(
        'the killed processes to go',
        async () => ((await processes()).length === 0 ? true : undefined),
        10_000,
      );
      log.end();
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

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
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

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** One of Onething's entry scripts running as a separate OS process, as a deployment runs it. */
export interface BenchProcess {
  name: string;
  pid: number;
  /** Every line it printed starting with `prefix`, parsed after it (the memory probe's lines). */
  linesAfter(prefix: string): string[];
  /** SIGTERM, and the exit; SIGKILL to its group if it does not stop in time. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Runs `node --import tsx <script>` (plus `imports`, e.g. the memory probe) with `env`, in its own
 * process group, and waits for the line containing `readyLine`. Its output goes to `logFile`.
 */
export async function startBenchProcess(options: {
  name: string;
  script: string;
  env: Record<string, string>;
  readyLine: string;
  logFile: string;
  imports?: string[];
  /** Node's own flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  readyTimeoutMs?: number;
}): Promise<BenchProcess> {
  const imports = ['tsx', ...(options.imports ?? [])].flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...imports, options.script], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.script} did not start a process`);
  const log = createWriteStream(options.logFile, { flags: 'a' });
  let tail = '';
  let partial = '';
  const probeLines: string[] = [];
  const exited = exitOf(child);
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log.write(chunk);
      const text = chunk.toString();
      tail = (tail + text).slice(-20_000);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('bench-')) probeLines.push(line);
      if (tail.includes(options.readyLine)) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) =>
      reject(new Error(`${options.script} exited (${code}) before it was ready:\n${tail}`)),
    );
  });
  void exited.then(() => log.end());
  const timeoutMs = options.readyTimeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      ready,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${options.script} was not ready within ${timeoutMs} ms:\n${tail}`)),
          timeoutMs,
        );
      }),
    ]);
  } catch (err) {
    killGroup(pid);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return {
    name: options.name,
    pid,
    linesAfter: (prefix) =>
      probeLines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).trim()),
    async stop(ms = 30_000) {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      let stopTimer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        stopTimer = setTimeout(() => resolve('late'), ms);
      });
      if ((await Promise.race([exited, late])) === 'late') {
        killGroup(pid);
        await exited;
      }
      clearTimeout(stopTimer);
    },
  };
}

function killGroup(pid: number) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What ran the benchmark: figures from another machine are not comparable. */
export function describeMachine() {
  const cpu = cpus();
  return {
    cpus: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}

/**
 * Which code was measured: the commit, and whether the working tree differed from it (then
 * the figures belong to uncommitted code). Unknown outside a git checkout.
 */
export async function describeSource(): Promise<{ commit: string; dirty: boolean } | undefined> {
  try {
    const { stdout: commit } = await run('git', ['rev-parse', '--short', 'HEAD']);
    const { stdout: status } = await run('git', ['status', '--porcelain', '--untracked-files=no']);
    return { commit: commit.trim(), dirty: status.trim() !== '' };
  } catch {
    return undefined;
  }
}

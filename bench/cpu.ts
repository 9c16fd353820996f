import { readdir, readFile } from 'node:fs/promises';

/** CPU ms used so far: by this process, by its child processes grouped by name, and by the machine. */
export interface CpuSnapshot {
  groups: Record<string, number>;
  machineBusy: number;
}

// Linux reports process times in clock ticks; 100 per second on every mainstream kernel build.
const tickMs = 10;

/**
 * Where the CPU goes, read from /proc: on two cores the Temporal server, PostgreSQL and the
 * worker compete, so a rate difference is best explained by CPU spent per workflow in each.
 * Reaped children count through their parent (`cutime`), so PostgreSQL backends that came and
 * went are included. `labels` names processes the benchmark spawned (`api`, `worker`, …), which
 * are counted under that name rather than their command. Undefined where /proc is not available.
 */
export async function cpuSnapshot(labels?: ReadonlyMap<number, string>): Promise<CpuSnapshot | undefined> {
  try {
    const stats = await readAllStats();
    const descendants = new Set([process.pid]);
    // Parents precede children often enough; repeat until nothing is added.
    for (let added = true; added;) {
      added = false;
      for (const s of stats) {
        if (!descendants.has(s.pid) && descendants.has(s.ppid)) {
          descendants.add(s.pid);
          added = true;
        }
      }
    }
    const groups: Record<string, number> = {};
    for (const s of stats) {
      if (!descendants.has(s.pid)) continue;
      const group =
        s.pid === process.pid
          ? 'bench'
          : (labels?.get(s.pid) ?? (s.comm.startsWith('postgres') ? 'postgres' : s.comm));
      groups[group] = (groups[group] ?? 0) + s.ticks * tickMs;
    }
    const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '';
    // user nice system idle iowait irq softirq steal
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { groups, machineBusy: (user + nice + system + irq + softirq + steal) * tickMs };
  } catch {
    return undefined;
  }
}

/** CPU ms used between two snapshots, by group and by the machine. */
export function cpuBetween(before: CpuSnapshot | undefined, after: CpuSnapshot | undefined) {
  if (!before || !after) return undefined;
  const groups = Object.fromEntries(
    Object.entries(after.groups).map(([g, ms]) => [g, ms - (before.groups[g] ?? 0)]),
  );
  return { groups, machineBusy: after.machineBusy - before.machineBusy };
}

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime + cutime + cstime */
  ticks: number;
}

async function readAllStats(): Promise<ProcStat[]> {
  const pids = (await readdir('/proc')).filter((d) => /^\d+$/.test(d));
  const stats = await Promise.all(
    pids.map(async (pid) => {
      // A process may exit between listing and reading.
      const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      if (!text) return undefined;
      // The name is in parentheses and may itself contain spaces or parentheses.
      const open = text.indexOf('(');
      const close = text.lastIndexOf(')');
      const rest = text.slice(close + 2).split(' ');
      const field = (i: number) => Number(rest[i] ?? 0);
      return {
        pid: Number(pid),
        ppid: field(1),
        comm: text.slice(open + 1, close),
        ticks: field(11) + field(12) + field(13) + field(14),
      };
    }),
  );
  return stats.filter((s): s is ProcStat => s !== undefined);
}

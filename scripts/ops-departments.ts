/**
 * Outage mode in `npm run ops` (scripts/ops.ts), over `/v1/ops/departments`:
 *   departments
 *   pause <department> --reason <reason>
 *   resume <department> --reason <reason> [--rate N]
 */
import { parseArgs } from 'node:util';
import type { OpsIo } from './ops-bulk.js';

interface DepartmentState {
  id: string;
  title: { zh: string; en: string };
  paused: { reason: string; pausedBy: string; pausedAt: string } | null;
  waitingSteps: number;
}

/** Every department: paused or not, and how many calls wait for it. */
export async function listDepartments(io: OpsIo): Promise<void> {
  const { departments } = await io.get<{ departments: DepartmentState[] }>('/v1/ops/departments');
  io.out(
    io.table(
      ['department', 'state', 'waiting calls', 'why'],
      departments.map((d) => [
        d.id,
        d.paused ? `paused since ${d.paused.pausedAt.replace('T', ' ').slice(0, 19)}` : 'open',
        String(d.waitingSteps),
        d.paused ? `${d.paused.reason} (${d.paused.pausedBy})` : `${d.title.zh} ${d.title.en}`,
      ]),
    ),
  );
}

/** Pauses calls to a department for an outage, or resumes them at a rate. */
export async function pauseOrResume(command: 'pause' | 'resume', args: string[], io: OpsIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { reason: { type: 'string' }, rate: { type: 'string' } },
  });
  const [department] = positionals;
  if (!department || !values.reason || (command === 'pause' && values.rate !== undefined)) {
    throw new Error(
      `usage: npm run ops -- ${command} <department> --reason <reason>${command === 'resume' ? ' [--rate N]' : ''}`,
    );
  }
  const state = await io.get<DepartmentState>(
    `/v1/ops/departments/${encodeURIComponent(department)}/${command}`,
    {
      reason: values.reason,
      ...(values.rate === undefined ? {} : { ratePerSecond: Number(values.rate) }),
    },
  );
  io.out(
    command === 'pause'
      ? `${state.id} paused: calls to it wait until it is resumed`
      : `${state.id} resumed: ${state.waitingSteps} waiting call(s) go out at the given rate`,
  );
}

/**
 * The bulk commands of `npm run ops` (scripts/ops.ts), over `/v1/ops/bulk-actions`:
 *   bulk retry|resend --reason <reason> [--stuck …] [--department …] [--bundle …] [--status …]
 *        [--step …] [--retrying-longer-than 10m] [--attempts-at-least N] [--waiting-longer-than 1h]
 *        [--stuck-since <ISO time>] [--stuck-before <ISO time>] [--rate N]
 *   bulk-status <bulk action id> [--items pending|done|refused|failed]
 *   bulk-cancel <bulk action id> --reason <reason>
 */
import { parseArgs } from 'node:util';
import type { BulkActionView } from '../schemas/bulk-actions.js';
import { bulkRepairActions, isBulkRepairAction } from '../schemas/repair-actions.js';

/** What the command line gives these commands: its API call and its output. */
export interface OpsIo {
  /** GET `path`, or POST `payload` to it; throws with the problem's title on an error status. */
  get<T>(path: string, payload?: unknown): Promise<T>;
  out(text: string): void;
  table(header: string[], rows: string[][]): string;
}

/** Option → filter field of the API. */
const filterOptions: Record<string, string> = {
  stuck: 'stuck',
  department: 'department',
  bundle: 'bundle',
  status: 'status',
  step: 'stepId',
  'retrying-longer-than': 'retryingLongerThan',
  'attempts-at-least': 'attemptsAtLeast',
  'waiting-longer-than': 'waitingLongerThan',
  'stuck-since': 'stuckSince',
  'stuck-before': 'stuckBefore',
};

const at = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 23) : '');

/** Starts a bulk retry or re-send of every step the filter matches. */
export async function startBulk(args: string[], io: OpsIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      reason: { type: 'string' },
      rate: { type: 'string' },
      ...Object.fromEntries(Object.keys(filterOptions).map((o) => [o, { type: 'string' as const }])),
    },
  });
  const [action] = positionals;
  const reason = typeof values.reason === 'string' ? values.reason : undefined;
  if (action === undefined || !isBulkRepairAction(action) || !reason) {
    throw new Error(
      `usage: npm run ops -- bulk ${bulkRepairActions.join('|')} --reason <reason> [--department police] [--stuck retrying] [--step <step id>] [--stuck-since <ISO time>] [--rate 5] …`,
    );
  }
  const filter: Record<string, unknown> = {};
  for (const [option, field] of Object.entries(filterOptions)) {
    const value = (values as Record<string, string | undefined>)[option];
    if (value === undefined) continue;
    filter[field] = field === 'attemptsAtLeast' ? Number(value) : value;
  }
  const job = await io.get<BulkActionView>('/v1/ops/bulk-actions', {
    action,
    reason,
    filter,
    ...(values.rate === undefined ? {} : { ratePerSecond: Number(values.rate) }),
  });
  io.out(`bulk ${job.action} ${job.id} started: ${job.total} step(s), at most ${job.ratePerSecond} a second`);
  io.out(`follow it: npm run ops -- bulk-status ${job.id}`);
}

/** A bulk action's progress and its items (all, or those in one state). */
export async function bulkStatus(args: string[], io: OpsIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { items: { type: 'string' } },
  });
  const [id] = positionals;
  if (!id) throw new Error('usage: npm run ops -- bulk-status <bulk action id> [--items refused]');
  const query = new URLSearchParams({
    itemsLimit: '500',
    ...(values.items ? { itemState: values.items } : {}),
  });
  const job = await io.get<BulkActionView>(
    `/v1/ops/bulk-actions/${encodeURIComponent(id)}?${query.toString()}`,
  );
  io.out(
    `${job.id}  bulk ${job.action}  ${job.state}  started ${at(job.startedAt)} by ${job.startedBy.name}`,
  );
  io.out(`reason: ${job.reason}`);
  io.out(`filter: ${JSON.stringify(job.filter)}  at most ${job.ratePerSecond}/s`);
  io.out(
    `total ${job.total}: done ${job.done}, refused ${job.refused}, failed ${job.failed}, pending ${job.pending}` +
      (job.finishedAt ? `; ended ${at(job.finishedAt)}` : ''),
  );
  if (job.cancel) io.out(`cancelled by ${job.cancel.by ?? '?'}: ${job.cancel.reason ?? ''}`);
  const items = job.items ?? [];
  if (items.length === 0) return;
  io.out('');
  io.out(
    io.table(
      ['#', 'application', 'step', 'state', 'sent (UTC)', 'why'],
      items.map((i) => [String(i.seq), i.applicationId, i.stepId, i.state, at(i.sentAt), i.result ?? '']),
    ),
  );
  if (job.nextItemsCursor)
    io.out(`\nmore items: GET /v1/ops/bulk-actions/${job.id}?itemsCursor=${job.nextItemsCursor}`);
}

/** Stops a bulk action after the item in progress. */
export async function cancelBulk(args: string[], io: OpsIo): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { reason: { type: 'string' } },
  });
  const [id] = positionals;
  if (!id || !values.reason)
    throw new Error('usage: npm run ops -- bulk-cancel <bulk action id> --reason <reason>');
  const job = await io.get<BulkActionView>(`/v1/ops/bulk-actions/${encodeURIComponent(id)}/cancel`, {
    reason: values.reason,
  });
  io.out(`bulk action ${job.id} stops after the item in progress; ${job.pending} pending so far`);
}

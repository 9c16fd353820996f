/**
 * Operators' command line over the API:
 *   npm run ops -- stuck [--stuck retrying,overdue] [--bundle X] [--department Y] [--status S]
 *                        [--retrying-longer-than 10m] [--attempts-at-least N] [--limit N]
 *   npm run ops -- show <application id>
 *   npm run ops -- retry|resend <application id> <step id> <reason…>
 *   npm run ops -- skip <application id> <step id> <outputs as JSON> <reason…>
 *   npm run ops -- withdraw <application id> --reason <reason>
 *   npm run ops -- escalate <task id> --reason <reason>
 *   npm run ops -- reassign <task id> --to <clerk key id|queue> --reason <reason>
 *   npm run ops -- bulk retry|resend --reason <reason> [filters of `stuck`, --step, --stuck-since, --rate]
 *   npm run ops -- bulk-status <bulk action id> | bulk-cancel <bulk action id> --reason <reason>
 *   npm run ops -- departments | pause <department> --reason <reason> | resume <department> --reason <reason> [--rate N]
 *   npm run ops -- reconcile [--dry-run] [--since 7d] [--reason <reason>]
 * Calls ONETHING_API_URL (default http://127.0.0.1:3000) with ONETHING_API_KEY, or the operator
 * key of the local stack (<DATA_DIR>/dev-keys.json).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isRepairAction, repairActions } from '../schemas/repair-actions.js';
import type { RepairAction } from '../schemas/repair-actions.js';
import { bulkStatus, cancelBulk, startBulk } from './ops-bulk.js';
import { listDepartments, pauseOrResume } from './ops-departments.js';
import { reconcileCommand } from './ops-reconcile.js';

const out = (text: string) => process.stdout.write(`${text}\n`);
const errOut = (text: string) => process.stderr.write(`${text}\n`);

const baseUrl = (process.env.ONETHING_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');

async function apiKey(): Promise<string> {
  if (process.env.ONETHING_API_KEY) return process.env.ONETHING_API_KEY;
  const file = join(process.env.DATA_DIR || '.data', 'dev-keys.json');
  try {
    const keys = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    if (keys.operator) return keys.operator;
  } catch {
    // Falls through to the message below.
  }
  throw new Error(`set ONETHING_API_KEY to an operator key (no operator key in ${file})`);
}

async function get<T>(path: string, payload?: unknown): Promise<T> {
  const key = await apiKey();
  const response = await fetch(`${baseUrl}${path}`, {
    headers: {
      authorization: `Bearer ${key}`,
      ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(payload === undefined ? {} : { method: 'POST', body: JSON.stringify(payload) }),
  }).catch((err: unknown) => {
    throw new Error(`cannot reach the API at ${baseUrl}: ${(err as Error).message}`);
  });
  const body = (await response.json()) as T & { title?: string; detail?: string };
  if (!response.ok)
    throw new Error(`${response.status} ${body.title ?? ''}${body.detail ? `: ${body.detail}` : ''}`);
  return body;
}

/** A plain text table: columns as wide as their widest cell, the last one left to wrap. */
function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

interface Reason {
  code: string;
  message: string;
  stepId: string;
  since: string;
}

async function stuck(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      stuck: { type: 'string' },
      bundle: { type: 'string' },
      department: { type: 'string' },
      status: { type: 'string' },
      'retrying-longer-than': { type: 'string' },
      'attempts-at-least': { type: 'string' },
      'waiting-longer-than': { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
    },
  });
  const query = new URLSearchParams();
  const names: Record<string, string> = {
    'retrying-longer-than': 'retryingLongerThan',
    'attempts-at-least': 'attemptsAtLeast',
    'waiting-longer-than': 'waitingLongerThan',
  };
  for (const [option, value] of Object.entries(values)) if (value) query.set(names[option] ?? option, value);
  const page = await get<{
    applications: Array<{ id: string; bundleId: string; status: string; since: string; reasons: Reason[] }>;
    nextCursor: string | null;
  }>(`/v1/ops/applications?${query.toString()}`);
  const rows = page.applications.flatMap((a) =>
    a.reasons.map((r, i) => [
      i === 0 ? a.id : '',
      i === 0 ? a.bundleId : '',
      i === 0 ? a.status : '',
      r.code,
      r.since.replace('T', ' ').slice(0, 19),
      r.message,
    ]),
  );
  out(table(['application', 'bundle', 'status', 'reason', 'since (UTC)', 'why'], rows));
  out(`\n${page.applications.length} stuck application(s)`);
  if (page.nextCursor) out(`more: npm run ops -- stuck --cursor ${page.nextCursor}`);
}

async function show(id: string | undefined) {
  if (!id) throw new Error('usage: npm run ops -- show <application id>');
  const seen = await get<{
    application: {
      id: string;
      bundleId: string;
      status: string;
      createdAt: string;
      dueAt: string | null;
      steps: Array<{
        id: string;
        department: string;
        status: string;
        attempts: number;
        error: { code: string; message: string } | null;
        receiptNumber: string | null;
        waiting: { message: string } | null;
        dueAt: string | null;
      }>;
    };
    timeline: Array<{ seq: number; at: string; stepId: string | null; status: string }>;
    reasons: Reason[];
    pendingCalls: Array<{
      stepId: string | null;
      attempt: number;
      lastFailure: string | null;
      nextAttemptAt: string | null;
      givesUpAt: string | null;
    }> | null;
    pendingCallsNote: string | null;
    workflow: { workflowId: string; temporalUiUrl: string };
  }>(`/v1/ops/applications/${encodeURIComponent(id)}`);
  const a = seen.application;
  const at = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '');
  out(`${a.id}  ${a.bundleId}  ${a.status}  created ${at(a.createdAt)}  due ${at(a.dueAt)}`);
  out(`Temporal: ${seen.workflow.temporalUiUrl}\n`);
  out(
    table(
      ['step', 'department', 'status', 'attempts', 'due (UTC)', 'receipt', 'detail'],
      a.steps.map((s) => [
        s.id,
        s.department,
        s.status,
        String(s.attempts),
        at(s.dueAt),
        s.receiptNumber ?? '',
        s.error ? `${s.error.code}: ${s.error.message}` : (s.waiting?.message ?? ''),
      ]),
    ),
  );
  if (seen.reasons.length > 0) out(`\nStuck:\n${seen.reasons.map((r) => `  - ${r.message}`).join('\n')}`);
  out('\nPending department calls (Temporal):');
  if (seen.pendingCalls === null) out(`  unknown: ${seen.pendingCallsNote ?? ''}`);
  else if (seen.pendingCalls.length === 0) out('  none');
  else
    out(
      table(
        ['step', 'attempt', 'next attempt (UTC)', 'gives up (UTC)', 'last failure'],
        seen.pendingCalls.map((c) => [
          c.stepId ?? '—',
          String(c.attempt),
          at(c.nextAttemptAt),
          at(c.givesUpAt),
          c.lastFailure ?? '',
        ]),
      ),
    );
  out('\nTimeline:');
  out(
    table(
      ['seq', 'at (UTC)', 'step', 'status'],
      seen.timeline.map((e) => [String(e.seq), at(e.at), e.stepId ?? '(application)', e.status]),
    ),
  );
}

/**
 * Retries a step now, re-sends it to a department that lost it, or skips it with the outputs its
 * dependants need; the reason goes to the audit log.
 */
async function repair(action: RepairAction, args: string[]) {
  const [id, stepId, ...more] = args;
  const outputs = action === 'skip' ? (JSON.parse(more.shift() ?? 'null') as unknown) : undefined;
  const reason = more.join(' ');
  if (!id || !stepId || !reason || (action === 'skip' && !outputs)) {
    throw new Error(
      `usage: npm run ops -- ${action} <application id> <step id>${action === 'skip' ? ' <outputs JSON>' : ''} <reason…>`,
    );
  }
  const path = `/v1/ops/applications/${encodeURIComponent(id)}/steps/${encodeURIComponent(stepId)}/${action}`;
  await get(path, { reason, ...(outputs ? { outputs } : {}) });
  out(`${action} of ${stepId} delivered; \`npm run ops -- show ${id}\` follows it`);
}

/** Withdraws an application, or escalates or reassigns a task; the reason goes to the audit log. */
async function act(command: 'withdraw' | 'escalate' | 'reassign', args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { reason: { type: 'string' }, to: { type: 'string' } },
  });
  const [id] = positionals;
  const target = command === 'withdraw' ? '<application id>' : '<task id>';
  if (!id || !values.reason || (command === 'reassign') !== (values.to !== undefined)) {
    throw new Error(
      `usage: npm run ops -- ${command} ${target}${command === 'reassign' ? ' --to <clerk key id|queue>' : ''} --reason <reason>`,
    );
  }
  if (command === 'withdraw') {
    await get(`/v1/ops/applications/${encodeURIComponent(id)}/withdraw`, { reason: values.reason });
    out(`withdrawal of ${id} delivered; \`npm run ops -- show ${id}\` follows it`);
    return;
  }
  const task = await get<{ id: string; applicationId: string; queue: string; assignee: string | null }>(
    `/v1/ops/tasks/${encodeURIComponent(id)}/${command}`,
    { reason: values.reason, ...(values.to ? { to: values.to } : {}) },
  );
  out(`task ${task.id}: queue ${task.queue}, ${task.assignee ? `claimed by ${task.assignee}` : 'unclaimed'}`);
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'stuck') await stuck(rest);
  else if (command === 'show') await show(rest[0]);
  else if (command !== undefined && isRepairAction(command)) await repair(command, rest);
  else if (command === 'bulk') await startBulk(rest, { get, out, table });
  else if (command === 'bulk-status') await bulkStatus(rest, { get, out, table });
  else if (command === 'bulk-cancel') await cancelBulk(rest, { get, out, table });
  else if (command === 'withdraw' || command === 'escalate' || command === 'reassign')
    await act(command, rest);
  else if (command === 'departments') await listDepartments({ get, out, table });
  else if (command === 'pause' || command === 'resume')
    await pauseOrResume(command, rest, { get, out, table });
  else if (command === 'reconcile') await reconcileCommand(rest, { get, out, table });
  else
    throw new Error(
      `usage: npm run ops -- stuck [--bundle X] [--department Y] | show <id> | ${repairActions.join('|')} … | withdraw … | escalate … | reassign … | bulk … | bulk-status … | bulk-cancel … | departments | pause … | resume … | reconcile [--dry-run] [--since 7d]`,
    );
} catch (err) {
  errOut((err as Error).message);
  process.exitCode = 1;
}

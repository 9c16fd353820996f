/**
 * Reconciliation in `npm run ops` (scripts/ops.ts), over `POST /v1/ops/reconcile`:
 *   reconcile [--dry-run] [--since 7d] [--reason <reason>] [--page-size N]
 * Checks every page of applications and prints what differed and the totals.
 */
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import type { reconcileReportSchema } from '../schemas/reconcile.js';
import type { OpsIo } from './ops-bulk.js';

type Report = z.infer<typeof reconcileReportSchema>;
type Difference = Report['findings'][number]['differences'][number];

/** `status of householdRegistration: failed → completed`, `outputs of birthCertificate`, … */
function describe(d: Difference): string {
  const what = `${d.field === 'row' ? 'row' : d.field} of ${d.stepId ?? 'the application'}`;
  return d.found !== undefined || d.expected !== undefined
    ? `${what}: ${d.found ?? '?'} → ${d.expected ?? '?'}`
    : what;
}

/** Compares the read model with the workflows and repairs it (or, with --dry-run, only reports). */
export async function reconcileCommand(args: string[], io: OpsIo): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      'dry-run': { type: 'boolean', default: false },
      since: { type: 'string' },
      reason: { type: 'string' },
      'page-size': { type: 'string' },
    },
  });
  const dryRun = values['dry-run'];
  const totals = { checked: 0, agreed: 0, repaired: 0, unrepairable: 0, deferred: 0 };
  const rows: string[][] = [];
  let after: string | null = null;
  do {
    const report: Report = await io.get<Report>('/v1/ops/reconcile', {
      dryRun,
      ...(values.since ? { since: values.since } : {}),
      ...(values.reason ? { reason: values.reason } : {}),
      ...(values['page-size'] ? { limit: Number(values['page-size']) } : {}),
      ...(after ? { after } : {}),
    });
    for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += report.summary[key];
    for (const f of report.findings) {
      rows.push([
        f.applicationId,
        dryRun && f.outcome === 'repaired' ? 'would repair' : f.outcome,
        [...f.differences.map(describe), ...(f.note ? [f.note] : [])].join('; '),
      ]);
    }
    after = report.nextAfter;
  } while (after);
  if (rows.length > 0) io.out(`${io.table(['application', 'outcome', 'what differed'], rows)}\n`);
  io.out(
    `${totals.checked} checked, ${totals.agreed} in agreement, ${totals.repaired} ${dryRun ? 'to repair (dry run: nothing written)' : 'repaired'}, ${totals.unrepairable} unrepairable, ${totals.deferred} deferred (run again)`,
  );
}

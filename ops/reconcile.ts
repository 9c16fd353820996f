import type { Client } from '@temporalio/client';
import { findApplication } from '../db/applications.js';
import { recordAudit } from '../db/audit-log.js';
import type { AuditEntry } from '../db/audit-log.js';
import { withTransaction } from '../db/pool.js';
import type { Pool, PoolClient } from '../db/pool.js';
import { lockApplication, nextReconcileNumber, recreateStepRow, restoreEndTime } from '../db/reconcile.js';
import { recordTransition } from '../db/transitions.js';
import type { BundlePlan } from '../schemas/bundle.js';
import { applicationWorkflowId } from '../temporal/ids.js';
import { candidatePage } from './reconcile-candidates.js';
import { compareApplication, plannedRepairs, sameJson } from './reconcile-compare.js';
import type { ApplicationRows, Difference, Repair } from './reconcile-compare.js';
import { readWorkflowView, workflowPlan } from './workflow-view.js';

/** What a reconciliation needs: the read model, Temporal, and the deployment's task queue. */
export interface ReconcileDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  /**
   * How long a worker has to answer one query (a closed workflow's is a replay); 15 s by default,
   * past the 10 s a workflow last run by a stopped worker waits on its sticky queue.
   */
  queryTimeoutMs?: number;
}

/** One run (or one page of it). */
export interface ReconcileOptions {
  /** Only report: nothing is written, not even the audit log. */
  dryRun: boolean;
  /** Also check the workflows that closed this recently (ms), e.g. 7 days. */
  sinceMs?: number;
  /** Check the applications after this id (the previous page's `nextAfter`). */
  after?: string;
  /** At most this many applications. */
  limit: number;
  /** Who repairs, as the audit log names them. */
  actor: Pick<AuditEntry, 'actorKey' | 'actorName' | 'role'>;
  /** Why, for the audit log; a default sentence when absent. */
  reason?: string;
}

/**
 * What became of one application: `agreed`; `repaired` (in a dry run: would be); `unrepairable`
 * (the workflow cannot say, or the row cannot be rebuilt); `deferred` (the engine is writing it,
 * or no worker answered: a later run checks it again).
 */
export type FindingOutcome = 'agreed' | 'repaired' | 'unrepairable' | 'deferred';

/** One application checked; only field names, statuses and codes, never personal data. */
export interface ReconcileFinding {
  applicationId: string;
  workflowId: string;
  outcome: FindingOutcome;
  differences: Difference[];
  /** Why it was not repaired, or where the workflow's view came from when not from its query. */
  note?: string;
}

/** A run's result: how many of each, the findings other than `agreed`, and where the next page starts. */
export interface ReconcileReport {
  dryRun: boolean;
  summary: Record<'checked' | FindingOutcome, number>;
  findings: ReconcileFinding[];
  /** Pass as `after` for the next page; null when every candidate was checked. */
  nextAfter: string | null;
}

/** How many applications are checked at once: each costs a query or two and a few reads. */
const concurrency = 4;
/** A running workflow read again this many times when it moved while its rows were read. */
const maxReads = 3;
const defaultReason = 'reconciliation: the read model differed from the workflow';

/**
 * Compares each open application's rows — and those of every workflow Temporal lists as running
 * or recently closed — with its workflow's view, and repairs the rows through the engine's own
 * write path: one transition per step (key `reconcile:step:<id>:<n>`) and for the application
 * (`reconcile:application:<n>`), so events and webhooks tell portals what changed, and one audit
 * entry per repaired application naming what differed.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const page = await candidatePage(deps.pool, deps.temporal, {
    taskQueue: deps.taskQueue,
    limit: options.limit,
    ...(options.sinceMs === undefined ? {} : { sinceMs: options.sinceMs }),
    ...(options.after === undefined ? {} : { after: options.after }),
  });
  const findings: ReconcileFinding[] = new Array<ReconcileFinding>(page.ids.length);
  let next = 0;
  const work = async () => {
    for (let i = next++; i < page.ids.length; i = next++) {
      const id = page.ids[i] as string;
      findings[i] = await checkApplication(deps, options, id).catch((err: unknown): ReconcileFinding => ({
        applicationId: id,
        workflowId: applicationWorkflowId(id),
        outcome: 'deferred',
        differences: [],
        note: `not checked: ${(err as Error).message}`,
      }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, work));
  const summary = { checked: findings.length, agreed: 0, repaired: 0, unrepairable: 0, deferred: 0 };
  for (const finding of findings) summary[finding.outcome] += 1;
  return {
    dryRun: options.dryRun,
    summary,
    findings: findings.filter((f) => f.outcome !== 'agreed'),
    nextAfter: page.more ? (page.ids.at(-1) ?? null) : null,
  };
}

/** Checks one application and, unless a dry run, repairs it. */
async function checkApplication(
  deps: ReconcileDeps,
  options: ReconcileOptions,
  applicationId: string,
): Promise<ReconcileFinding> {
  const workflowId = applicationWorkflowId(applicationId);
  const finding = (outcome: FindingOutcome, differences: Difference[] = [], note?: string) => ({
    applicationId,
    workflowId,
    outcome,
    differences,
    ...(note === undefined ? {} : { note }),
  });
  const timeoutMs = deps.queryTimeoutMs ?? 15_000;
  const before = await findApplication(deps.pool, applicationId);
  const bundleId = before?.application.bundle_id ?? '';
  const read = () => readWorkflowView(deps.temporal, applicationId, bundleId, timeoutMs);

  let view = await read();
  if (view.kind === 'missing') {
    if (before && !before.application.workflow_started) {
      return finding(
        'deferred',
        [],
        'its workflow was never started; the portal retrying the request starts it',
      );
    }
    return finding(
      'unrepairable',
      [],
      'Temporal has no workflow for this application (never started, or past retention)',
    );
  }
  if (view.kind === 'no-outcome') {
    return finding(
      'unrepairable',
      [],
      `the workflow ended ${view.status.toLowerCase()}, without an outcome to repair from`,
    );
  }
  if (view.kind === 'unanswered') return finding('deferred', [], `no worker answered: ${view.reason}`);
  if (!before) {
    return finding(
      'unrepairable',
      [{ field: 'row', found: 'missing', expected: view.progress.status }],
      `the application row is gone: its client id and idempotency key are not in the workflow (${workflowId})`,
    );
  }

  // A running workflow moves on while its rows are read: its view is taken again after them, and
  // only rows read between two equal views, with all its writes landed, are compared.
  let rows: ApplicationRows | undefined;
  for (let reads = 0; ; reads += 1) {
    rows = await findApplication(deps.pool, applicationId);
    if (!view.running || !rows) break;
    const again = await read();
    if (again.kind !== 'view') return finding('deferred', [], 'the workflow could not be read again');
    if (sameJson(again.progress, view.progress) && view.progress.pendingWrites === 0) break;
    if (reads + 1 >= maxReads)
      return finding('deferred', [], 'the workflow kept moving; checked again next run');
    view = again;
  }
  if (!rows) return finding('unrepairable', [], `the application row is gone (${workflowId})`);

  const differences = compareApplication(view.progress, rows);
  const source =
    view.from === 'outcome' ? 'outputs and receipts unchecked: no worker replayed the workflow' : undefined;
  if (differences.length === 0) return finding('agreed', [], source);
  if (options.dryRun) return finding('repaired', differences, source);

  const repairs = plannedRepairs(view.progress, differences);
  const plan = repairs.some((r) => r.kind === 'step' && r.recreate)
    ? await workflowPlan(deps.temporal, applicationId, timeoutMs)
    : undefined;
  const repaired = await withTransaction(deps.pool, async (db) => {
    // Under the application's row lock, as every engine write; an engine write since the rows
    // were read would be overwritten with an older view: then nothing is written this time.
    if ((await lockApplication(db, applicationId)) !== rows.application.last_seq) return false;
    await applyRepairs(db, applicationId, repairs, plan);
    await recordAudit(db, {
      ...options.actor,
      action: 'application.reconcile',
      applicationId,
      reason: options.reason ?? defaultReason,
      result: 'ok',
      detail: { workflowId, differences, from: view.from },
    });
    return true;
  });
  return repaired
    ? finding('repaired', differences, source)
    : finding('deferred', differences, 'the engine wrote to it meanwhile; checked again next run');
}

/** Writes the repairs through the engine's write path, each transition under a key of its own. */
async function applyRepairs(
  db: PoolClient,
  applicationId: string,
  repairs: readonly Repair[],
  plan: BundlePlan | undefined,
): Promise<void> {
  const at = new Date().toISOString();
  for (const repair of repairs) {
    if (repair.kind === 'application') {
      const n = await nextReconcileNumber(db, applicationId, 'application');
      await recordTransition(db, applicationId, {
        key: `reconcile:application:${n}`,
        at,
        application: { status: repair.status },
      });
      continue;
    }
    const stepId = repair.transition.stepId;
    if (repair.recreate) {
      const position = plan?.steps.findIndex((s) => s.id === stepId) ?? -1;
      const step = plan?.steps[position];
      if (!step) throw new Error(`step ${stepId} is not in the workflow's plan`);
      await recreateStepRow(db, applicationId, { ...step, position });
    }
    const n = await nextReconcileNumber(db, applicationId, `step:${stepId}`);
    await recordTransition(db, applicationId, {
      key: `reconcile:step:${stepId}:${n}`,
      at,
      step: repair.transition,
    });
    if (repair.recreate) await restoreEndTime(db, applicationId, stepId);
  }
}

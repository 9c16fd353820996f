import type { ApplicationRow, StepRow } from '../db/applications.js';
import { finalApplicationStatuses } from '../schemas/status.js';
import type { ApplicationStatus } from '../schemas/status.js';
import type { ApplicationProgress, StepProgress, StepTransition } from '../schemas/workflow.js';

/** The columns reconciliation compares, and `row` for a step row that is gone. */
export type DriftField = 'row' | 'status' | 'outputs' | 'error' | 'receiptNumber' | 'waiting' | 'dueAt';

/**
 * One way the read model differs from the workflow. It names the field and, for statuses and
 * error codes, both values; never outputs, receipts or messages, which may hold personal data.
 */
export interface Difference {
  /** The step; absent for the application row itself. */
  stepId?: string;
  field: DriftField;
  /** What the read model shows (`missing` for a row that is gone). */
  found?: string;
  /** What the workflow says. */
  expected?: string;
}

/** The rows of one application as `findApplication` reads them. */
export interface ApplicationRows {
  application: ApplicationRow;
  steps: StepRow[];
}

/** Equal as JSON values, whatever the key order (jsonb keeps its own). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a ?? null) === canonical(b ?? null);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const codeOf = (error: { code: string } | null | undefined) => error?.code ?? 'none';

/** How one step row differs from the workflow's view of it; nothing for a step in flight. */
function stepDifferences(stepId: string, view: StepProgress, row: StepRow | undefined): Difference[] {
  if (!row) return [{ stepId, field: 'row', found: 'missing', expected: view.status }];
  // Its own activity is writing it: the row may be ahead of the workflow, and that is no drift.
  if (view.inFlight) return [];
  const found: Difference[] = [];
  if (row.status !== view.status)
    found.push({ stepId, field: 'status', found: row.status, expected: view.status });
  if (view.outputs !== undefined && !sameJson(row.outputs, view.outputs))
    found.push({ stepId, field: 'outputs' });
  if (view.error !== undefined && !sameJson(row.error, view.error)) {
    found.push({ stepId, field: 'error', found: codeOf(row.error), expected: codeOf(view.error) });
  }
  if (view.receiptNumber !== undefined && (row.receipt_number ?? null) !== view.receiptNumber) {
    found.push({ stepId, field: 'receiptNumber' });
  }
  if (view.waiting !== undefined && !sameJson(row.waiting, view.waiting))
    found.push({ stepId, field: 'waiting' });
  if (
    typeof view.dueAt === 'string' &&
    (row.due_at === null || new Date(row.due_at).getTime() !== Date.parse(view.dueAt))
  ) {
    found.push({ stepId, field: 'dueAt' });
  }
  return found;
}

/**
 * Every difference between an application's rows and its workflow's view: the application's
 * status, and each step of the plan (its row, status, outputs, error, receipt, what it waits for
 * and its due date, each where the workflow knows it).
 */
export function compareApplication(view: ApplicationProgress, rows: ApplicationRows): Difference[] {
  const byId = new Map(rows.steps.map((s) => [s.step_id, s]));
  const found = Object.entries(view.steps).flatMap(([stepId, step]) =>
    stepDifferences(stepId, step, byId.get(stepId)),
  );
  if (rows.application.status !== view.status) {
    found.push({ field: 'status', found: rows.application.status, expected: view.status });
  }
  return found;
}

/** One repair: a step row to insert again, and the transition that brings it to the view. */
export type Repair =
  | { kind: 'step'; recreate: boolean; transition: StepTransition }
  | { kind: 'application'; status: ApplicationStatus };

/** The step as the workflow knows it, as one transition: every field it knows, written together. */
export function transitionFor(stepId: string, view: StepProgress): StepTransition {
  return {
    stepId,
    status: view.status,
    ...(view.outputs !== undefined ? { outputs: view.outputs } : {}),
    ...(view.error !== undefined ? { error: view.error } : {}),
    ...(view.receiptNumber !== undefined ? { receiptNumber: view.receiptNumber } : {}),
    ...(view.waiting ? { waiting: view.waiting } : {}),
    ...(typeof view.dueAt === 'string' ? { dueAt: view.dueAt } : {}),
  };
}

/**
 * What brings the rows to the view: one transition per step that differs (a missing row is
 * inserted first), then the application's status. On an ended application any step repair is
 * followed by its final status again, so the last event an event stream sends stays the final one.
 */
export function plannedRepairs(view: ApplicationProgress, differences: readonly Difference[]): Repair[] {
  const repairs: Repair[] = [];
  for (const [stepId, step] of Object.entries(view.steps)) {
    const own = differences.filter((d) => d.stepId === stepId);
    if (own.length === 0) continue;
    repairs.push({
      kind: 'step',
      recreate: own.some((d) => d.field === 'row'),
      transition: transitionFor(stepId, step),
    });
  }
  const applicationDiffers = differences.some((d) => d.stepId === undefined);
  const ended = finalApplicationStatuses.includes(view.status);
  if (applicationDiffers || (ended && repairs.length > 0)) {
    repairs.push({ kind: 'application', status: view.status });
  }
  return repairs;
}

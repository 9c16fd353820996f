import { findApplication } from '../../db/applications.js';
import type { StepRow } from '../../db/applications.js';
import { compareApplication } from '../../ops/reconcile-compare.js';
import type { ReconcileReport } from '../../ops/reconcile.js';
import type { ApplicationView } from '../../schemas/api.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { progressQuery } from '../../workflows/progress.js';
import type { TestStack } from '../support/stack.js';

const stepOf = (view: ApplicationView, id: string) => view.steps.find((s) => s.id === id);

/** Waiting for the police's decision, with every newborn step that does not need it done. */
export const waitingOnPolice = (view: ApplicationView) =>
  stepOf(view, 'householdRegistration')?.status === 'waiting' &&
  ['birthCertificate', 'vaccination', 'maternityBenefit'].every(
    (id) => stepOf(view, id)?.status === 'completed',
  );

/** An `application_events` row as the drift tests read it. */
export interface EventRow {
  application_id: string;
  step_id: string | null;
  status: string;
  dedupe_key: string;
}

/** An `audit_log` row as the drift tests read it. */
export interface AuditRow {
  application_id: string;
  actor_name: string;
  role: string;
  reason: string;
  result: string;
  detail: {
    differences?: unknown;
    dryRun?: boolean;
    summary?: { repaired: number };
    unrepairable?: string[];
  };
}

/** What the drift tests look at, on one test stack: rows, the workflows' view, the reconcile route. */
export function driftProbe(stack: TestStack) {
  const rowsOf = async (id: string) => {
    const rows = await findApplication(stack.pool, id);
    if (!rows) throw new Error(`no rows for ${id}`);
    return rows;
  };
  return {
    /** Tampers with or reads the read model directly, as someone behind the engine's back would. */
    sql: <R extends object = Record<string, unknown>>(text: string, values: unknown[] = []) =>
      stack.pool.query<R & Record<string, unknown>>(text, values),
    rowsOf,
    stepRow: async (id: string, stepId: string): Promise<StepRow | undefined> =>
      (await rowsOf(id)).steps.find((s) => s.step_id === stepId),
    /** The differences between the rows and what the workflow says now (its worker answers). */
    agrees: async (id: string) =>
      compareApplication(
        await stack.client.workflow.getHandle(applicationWorkflowId(id)).query(progressQuery),
        await rowsOf(id),
      ),
    /** `POST /v1/ops/reconcile` as an operator. */
    reconcileApi: async (body: Record<string, unknown>) => {
      const response = await stack.request<ReconcileReport>(
        'POST',
        '/v1/ops/reconcile',
        body,
        {},
        'operator',
      );
      if (response.status !== 200)
        throw new Error(`reconcile: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    },
  };
}

export type DriftProbe = ReturnType<typeof driftProbe>;

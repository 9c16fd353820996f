import type { ApplicationView } from '../../schemas/api.js';
import type { BundleOutcome } from '../../schemas/workflow.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import type { Deployment } from '../support/deployment.js';
import { eventually } from '../support/eventually.js';
import { ended } from '../support/newborn.js';

/** How big a fault test runs: the bounded size in CI, the full one under `npm run faults`. */
export const fullRun = process.env.FAULTS_FULL === '1';
export const sized = (ci: number, full: number) => (fullRun ? full : ci);

/** Waits until every application has ended (bounded); their last views by id. */
export async function waitUntilEnded(
  deployment: Deployment,
  ids: Iterable<string>,
  timeoutMs: number,
): Promise<Map<string, ApplicationView>> {
  const views = new Map<string, ApplicationView>();
  const deadline = Date.now() + timeoutMs;
  for (const id of ids) {
    const left = Math.max(1000, deadline - Date.now());
    views.set(
      id,
      await eventually(
        `application ${id} to end`,
        async () => {
          const answer = await deployment.request<ApplicationView>('GET', `/v1/applications/${id}`);
          return answer.status === 200 && ended(answer.body) ? answer.body : undefined;
        },
        left,
      ),
    );
  }
  return views;
}

/** The invariants every fault scenario checks, and the evidence of any that failed. */
export interface InvariantReport {
  invariants: {
    everyApplicationEnded: boolean;
    readModelAgreesWithWorkflow: boolean;
    oneIdempotencyKeyPerStep: boolean;
    oneSideEffectPerKey: boolean;
    noServerError: boolean;
  };
  problems: string[];
}

/**
 * Checks the fault suite's invariants over `ids`: each ended; its read model agrees with the
 * workflow's own result, status by status; no (application, step) reached a department under
 * two idempotency keys; what each key decided is what the application shows (no second side
 * effect); and no API answer of the run was a 500.
 */
export async function checkInvariants(
  deployment: Deployment,
  ids: Iterable<string>,
): Promise<InvariantReport> {
  const problems: string[] = [];
  const flag = (ok: boolean, problem: string) => {
    if (!ok) problems.push(problem);
    return ok;
  };
  let everyEnded = true;
  let agrees = true;
  let oneKey = true;
  let oneEffect = true;
  for (const id of ids) {
    const view = await deployment.view(id);
    everyEnded = flag(ended(view), `${id} has not ended: ${view.status}`) && everyEnded;
    const outcome = (await deployment.temporal.workflow
      .getHandle(applicationWorkflowId(id))
      .result()) as BundleOutcome;
    agrees =
      flag(view.status === outcome.status, `${id}: read model ${view.status}, workflow ${outcome.status}`) &&
      agrees;
    for (const step of view.steps) {
      const decided = outcome.steps[step.id]?.status;
      const same = decided === step.status || (decided === 'completed' && step.status === 'compensated');
      agrees =
        flag(same, `${id}/${step.id}: read model ${step.status}, workflow ${String(decided)}`) && agrees;
    }
    const entries = await deployment.simulator.ledger(`${id}:`);
    const byService = new Map<string, Set<string>>();
    for (const entry of entries) {
      const service = `${entry.department}/${entry.service}`;
      byService.set(service, (byService.get(service) ?? new Set()).add(entry.idempotencyKey));
      const stepId = entry.idempotencyKey.slice(id.length + 1);
      const step = view.steps.find((s) => s.id === stepId);
      oneKey =
        flag(step !== undefined, `${id}: a department got the unknown key ${entry.idempotencyKey}`) && oneKey;
      if (step?.status === 'completed' && entry.outcome === 'done') {
        const shown = JSON.stringify(sorted(step.outputs ?? {}));
        const decided = JSON.stringify(sorted(pick(entry.outputs ?? {}, Object.keys(step.outputs ?? {}))));
        oneEffect =
          flag(shown === decided, `${id}/${stepId}: shows ${shown}, the department decided ${decided}`) &&
          oneEffect;
      }
    }
    for (const [service, keys] of byService) {
      oneKey = flag(keys.size === 1, `${id}: ${service} got ${keys.size} idempotency keys`) && oneKey;
    }
  }
  const serverErrors = deployment.statuses.filter((s) => s >= 500 && s !== 503);
  const noServerError = flag(serverErrors.length === 0, `API answered ${serverErrors.join(', ')}`);
  return {
    invariants: {
      everyApplicationEnded: everyEnded,
      readModelAgreesWithWorkflow: agrees,
      oneIdempotencyKeyPerStep: oneKey,
      oneSideEffectPerKey: oneEffect,
      noServerError,
    },
    problems,
  };
}

function pick(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in record).map((k) => [k, record[k]]));
}

function sorted(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

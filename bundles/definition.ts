import type { z } from 'zod';
import { findService } from '../departments/catalog/index.js';
import type { BundlePlan, RetryPolicy, StepDefinition, Title } from '../schemas/bundle.js';

/** A bundle (一件事) as the catalogue holds it: the plan the engine runs plus what portals show. */
export interface BundleDefinition {
  id: string;
  version: number;
  title: Title;
  description: Title;
  /** The department that leads the bundle (牵头部门). */
  leadDepartment: string;
  /** The promised time limit of the whole bundle, in working days. */
  promisedWorkingDays: number;
  /** Who applies. */
  applicant: z.ZodObject;
  /** The one form (一表申请). */
  form: z.ZodType<Record<string, unknown>>;
  steps: StepDefinition[];
  /** A complete request body that `POST /v1/applications` accepts as it is. */
  example: { bundleId: string; applicant: Record<string, unknown>; form: Record<string, unknown> };
}

/** Transient department faults: retried quickly at first, then at most every five minutes, until an operator steps in. */
export const defaultRetry: RetryPolicy = {
  initialInterval: '500ms',
  backoffCoefficient: 2,
  maximumInterval: '5m',
  maximumAttempts: 0,
};

/** One department call may take this long before it counts as a transient fault. */
export const defaultCallTimeout = '30s';

/** The executable plan the workflow receives. */
export function planOf(bundle: BundleDefinition): BundlePlan {
  return {
    bundleId: bundle.id,
    version: bundle.version,
    steps: bundle.steps.map((step) =>
      findService(step.department, step.service)?.undo ? { ...step, compensable: true } : step,
    ),
  };
}

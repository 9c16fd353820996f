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
  /**
   * How many days after an application ends its personal data is kept, then erased (crypto-
   * shredding); a deployment may override it (`RETENTION_DAYS`).
   */
  retentionDays: number;
  /** Who applies. */
  applicant: z.ZodObject;
  /** The one form (一表申请). */
  form: z.ZodType<Record<string, unknown>>;
  steps: StepDefinition[];
  /** A complete request body that `POST /v1/applications` accepts as it is. */
  example: ExampleRequest;
  /** Requests that take the bundle's other paths (an abnormal death), each run and recorded like `example`. */
  otherExamples?: OtherExample[];
}

/** A request body for `POST /v1/applications`. */
export interface ExampleRequest {
  bundleId: string;
  applicant: Record<string, unknown>;
  form: Record<string, unknown>;
}

/** An example of one of a bundle's other paths, named by `id` (kebab case). */
export interface OtherExample {
  id: string;
  title: Title;
  request: ExampleRequest;
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

/** Who decides a step, per deployment: `<bundle>.<step>` → department or work list. */
export type StepDeciders = ReadonlyMap<string, 'department' | 'worklist'>;

/**
 * The executable plan the workflow receives: the bundle's steps, marked compensable where the
 * department can undo them, with a deployment's choice of who decides each step applied.
 */
export function planOf(bundle: BundleDefinition, deciders: StepDeciders = new Map()): BundlePlan {
  return {
    bundleId: bundle.id,
    version: bundle.version,
    // What a step tells portals about time limits is no business of the workflow's.
    steps: bundle.steps.map(({ statutoryLimit: _statutory, clockExcludes: _excludes, ...step }) => {
      const decidedBy = deciders.get(`${bundle.id}.${step.id}`) ?? step.decidedBy;
      return {
        ...step,
        ...(findService(step.department, step.service)?.undo ? { compensable: true } : {}),
        ...(decidedBy ? { decidedBy } : {}),
      };
    }),
  };
}

/**
 * Parses `WORKLIST_OVERRIDES`: `newborn.birthCertificate=worklist,after-death.cremation=department`.
 * A step no bundle has is an error, so a typo never silently leaves a step with the wrong decider.
 */
export function parseStepDeciders(
  value: string | undefined,
  bundles: Iterable<BundleDefinition> = [],
): Map<string, 'department' | 'worklist'> {
  const known = new Set([...bundles].flatMap((b) => b.steps.map((s) => `${b.id}.${s.id}`)));
  const deciders = new Map<string, 'department' | 'worklist'>();
  for (const entry of (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [step, decider] = entry.split('=');
    if (
      !step ||
      !/^[a-z][a-z0-9-]*\.[a-z][A-Za-z0-9]*$/.test(step) ||
      (decider !== 'department' && decider !== 'worklist')
    ) {
      throw new Error(`WORKLIST_OVERRIDES: "${entry}" is not <bundle>.<step>=department|worklist`);
    }
    if (known.size > 0 && !known.has(step))
      throw new Error(`WORKLIST_OVERRIDES: no step ${step} in the catalogue`);
    deciders.set(step, decider);
  }
  return deciders;
}

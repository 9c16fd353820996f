import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { BundlePlan, StepDefinition } from '../../schemas/bundle.js';

/** A department step for tests of the workflow's parts: police birth registration unless overridden. */
export function stepDefinition(id: string, overrides: Partial<StepDefinition> = {}): StepDefinition {
  return {
    id,
    title: { zh: id, en: id },
    department: 'police',
    service: 'birth-registration',
    after: [],
    input: {},
    callTimeout: '30s',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 0 },
    timeLimitWorkingDays: 1,
    ...overrides,
  };
}

/** A plan of the given steps. */
export const planOfSteps = (steps: StepDefinition[]): BundlePlan => ({
  bundleId: 'newborn',
  version: 1,
  steps,
});

/** A step that reads `fields` of `from`'s outputs: what a dependant would receive. */
export const readerOf = (from: string, fields: string[]): StepDefinition =>
  stepDefinition('reader', {
    after: [from],
    input: Object.fromEntries(fields.map((field) => [field, `steps.${from}.${field}`])),
  });

/** Why the workflow refused an update (its validator's message), or fails if it was accepted. */
export async function refusal<Arg>(
  handle: WorkflowHandle,
  update: UpdateDefinition<unknown, [Arg]>,
  arg: Arg,
): Promise<string> {
  try {
    await handle.executeUpdate(update, { args: [arg] });
  } catch (err) {
    const cause = (err as { cause?: Error }).cause;
    return cause?.message ?? String(err);
  }
  throw new Error('the update was accepted');
}

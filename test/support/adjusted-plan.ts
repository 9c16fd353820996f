import { randomUUID } from 'node:crypto';
import { planOf } from '../../bundles/definition.js';
import { newborn } from '../../bundles/newborn.js';
import { insertApplication, markWorkflowStarted } from '../../db/applications.js';
import type { StepDefinition } from '../../schemas/bundle.js';
import type { BundleWorkflowInput } from '../../schemas/workflow.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { currentWorkflowFeatures } from '../../workflows/features.js';
import { newbornRequest } from './newborn.js';
import type { TestStack } from './stack.js';

/**
 * Starts a newborn application the way the API does (its rows in the read model, visible to the
 * test portal; the workflow with every feature and the stack's failed-call hold), but with some
 * steps of its plan changed: a retry budget of seconds, a poll interval of milliseconds. The
 * plan travels in the workflow input, so the rest of the engine runs as it does in production.
 */
export async function startNewbornWithSteps(
  stack: TestStack,
  changes: Record<string, Partial<StepDefinition>>,
): Promise<string> {
  const plan = planOf(newborn);
  const id = randomUUID();
  await insertApplication(stack.pool, {
    id,
    bundle: newborn,
    clientId: 'test-portal',
    idempotencyKey: randomUUID(),
    requestHash: 'adjusted-plan',
  });
  const request = newbornRequest();
  const input: BundleWorkflowInput = {
    applicationId: id,
    plan: { ...plan, steps: plan.steps.map((s) => ({ ...s, ...changes[s.id] })) },
    applicant: request.applicant,
    form: request.form,
    ...(stack.apiDeps.failedStepHold ? { failedStepHold: stack.apiDeps.failedStepHold } : {}),
    features: currentWorkflowFeatures,
  };
  await stack.client.workflow.start('newborn', {
    workflowId: applicationWorkflowId(id),
    taskQueue: stack.taskQueue,
    args: [input],
  });
  await markWorkflowStarted(stack.pool, id);
  return id;
}

/** A retry policy that spends a budget of `budget` in a test's time: attempts every 100-500 ms. */
export function quickRetry(budget: string): StepDefinition['retry'] {
  return {
    initialInterval: '100ms',
    backoffCoefficient: 2,
    maximumInterval: '500ms',
    maximumAttempts: 0,
    budget,
  };
}

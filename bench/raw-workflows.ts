/**
 * The baseline: the newborn bundle's step graph written by hand as plain Temporal workflows,
 * with no engine around them. Bundled on its own; every export is a workflow type.
 */
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { ProjectionQueue } from '../workflows/projection.js';
import type { RawActivities } from './raw-activities.js';

// The same shape as an engine step with the bundle defaults (`defaultCallTimeout`, `defaultRetry`).
const { noopStep } = proxyActivities<RawActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5m' },
});

// The same options as the engine's read-model local activity.
const { noopProjection } = proxyLocalActivities<RawActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '200ms', backoffCoefficient: 2, maximumInterval: '30s' },
});

type Step = (stepId: string) => Promise<{ stepId: string }>;

/** birth ∥ vaccination; police and maternity after birth; medical → tax and social security after police */
async function newbornGraph(step: Step): Promise<string[]> {
  const birth = step('birthCertificate');
  const vaccination = step('vaccination');
  const police = birth.then(() => step('householdRegistration'));
  const maternity = birth.then(() => step('maternityBenefit'));
  const medical = police.then(() => step('medicalInsurance'));
  const tax = medical.then(() => step('insurancePayment'));
  const social = police.then(() => step('socialSecurityCard'));
  const done = await Promise.all([birth, vaccination, police, maternity, medical, tax, social]);
  return done.map((d) => d.stepId);
}

/** Seven no-op activities, nothing else. Takes the engine's input, unused: both start with the same payload. */
export async function rawNewborn(_input: unknown): Promise<string[]> {
  return newbornGraph(noopStep);
}

/**
 * The same, plus the engine's projection pattern (a transition before and after each step and
 * one at the end, drained through a local activity) writing nowhere: the price of the local
 * activities themselves, without PostgreSQL or the engine's step logic.
 */
export async function rawNewbornProjected(input: { applicationId: string }): Promise<string[]> {
  const projection = new ProjectionQueue((transitions) =>
    noopProjection({ applicationId: input.applicationId, transitions }),
  );
  const steps = await newbornGraph(async (stepId) => {
    projection.push({ step: { stepId, status: 'running', attempts: 1 } });
    const done = await noopStep(stepId);
    projection.push({ step: { stepId, status: 'completed', outputs: done, error: null } });
    return done;
  });
  projection.push({ application: { status: 'completed' } });
  await projection.flush();
  return steps;
}

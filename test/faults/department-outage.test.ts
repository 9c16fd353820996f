import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
import { startDeployment } from '../support/deployment.js';
import type { Deployment } from '../support/deployment.js';
import { eventually } from '../support/eventually.js';
import { newbornRequest } from '../support/newborn.js';
import { checkInvariants, sized, waitUntilEnded } from './invariants.js';
import { recordFaultResult } from './results.js';

// R5: a department down, then flaky, then slower than the call timeout.
const department = 'police';
const service = 'birth-registration';
const stepId = 'householdRegistration';
const callTimeoutMs = 1000;

let deployment: Deployment;
beforeAll(async () => {
  deployment = await startDeployment({
    logDir: inject('logDir'),
    apis: 1,
    workers: 1,
    env: { DEPARTMENT_TIMEOUT_MS: String(callTimeoutMs) },
  });
});
afterAll(async () => {
  await deployment?.close();
});

async function submitBatch(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const answer = await deployment.submit(newbornRequest());
    expect(answer.status).toBe(201);
    ids.push(answer.body.id);
  }
  return ids;
}

const policeStep = (view: ApplicationView) => view.steps.find((s) => s.id === stepId);

/** Waits until every application's police step satisfies `done` (bounded). */
async function untilPoliceSteps(
  ids: string[],
  what: string,
  done: (step: ApplicationView['steps'][number]) => boolean,
  timeoutMs: number,
) {
  for (const id of ids) {
    await eventually(
      `${id}: ${what}`,
      async () => {
        const step = policeStep(await deployment.view(id));
        return step && done(step) ? step : undefined;
      },
      timeoutMs,
    );
  }
}

describe('R5: a department down, then flaky, then slow', () => {
  it('completes every application once the department recovers, rejecting none because of it', async () => {
    const batch = sized(5, 20);
    const outageMs = sized(20_000, 120_000);

    // Down: every call answered 503 for the whole window; calls retry with backoff meanwhile.
    await deployment.simulator.setBehaviour(department, service, { outage: { forMs: outageMs } });
    const down = await submitBatch(batch);
    await untilPoliceSteps(down, 'a failed attempt during the outage', (s) => s.attempts >= 2, 60_000);
    await untilPoliceSteps(
      down,
      'the police step to complete after the outage',
      (s) => s.status === 'completed',
      outageMs + 180_000,
    );

    // Flaky: 30 % of calls answered 503.
    await deployment.simulator.setBehaviour(department, service, { failureRate: 0.3 });
    const flaky = await submitBatch(batch);
    await untilPoliceSteps(
      flaky,
      'the police step to complete while flaky',
      (s) => s.status === 'completed',
      120_000,
    );

    // Slow: answers after the adapter's timeout, so every call times out and is retried.
    await deployment.simulator.setBehaviour(department, service, { latencyMs: callTimeoutMs * 2 });
    const slow = await submitBatch(batch);
    await untilPoliceSteps(slow, 'a timed-out attempt', (s) => s.attempts >= 2, 60_000);
    await deployment.simulator.setBehaviour(department, service, {});
    const healedAt = Date.now();

    const ids = [...down, ...flaky, ...slow];
    const views = await waitUntilEnded(deployment, ids, 240_000);
    const recoveredMs = Date.now() - healedAt;
    const report = await checkInvariants(deployment, ids);
    const attempts = await Promise.all(
      ids.map(async (id) => policeStep(await deployment.view(id))?.attempts ?? 0),
    );
    await recordFaultResult({
      id: 'R5',
      scenario: `police down ${outageMs / 1000} s, then 30 % 503s, then answering after twice the ${callTimeoutMs} ms call timeout`,
      figures: {
        applications: ids.length,
        policeAttemptsTotal: attempts.reduce((a, b) => a + b, 0),
        secondsFromHealToAllEnded: Math.round(recoveredMs / 100) / 10,
      },
      invariants: {
        ...report.invariants,
        noneRejected: [...views.values()].every((v) => v.status === 'completed'),
      },
    });
    expect(report.problems).toEqual([]);
    expect([...views.values()].map((v) => v.status)).toEqual(ids.map(() => 'completed'));
  }, 900_000);
});

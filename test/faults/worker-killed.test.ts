import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import { startDeployment } from '../support/deployment.js';
import type { Deployment } from '../support/deployment.js';
import { eventually } from '../support/eventually.js';
import { newbornRequest } from '../support/newborn.js';
import { checkInvariants, sized, waitUntilEnded } from './invariants.js';
import { recordFaultResult } from './results.js';

// R1: a worker process killed with SIGKILL in the middle of department calls.
let deployment: Deployment;
beforeAll(async () => {
  deployment = await startDeployment({ logDir: inject('logDir'), apis: 1, workers: 2 });
});
afterAll(async () => {
  await deployment?.close();
});

describe('R1: a worker killed in the middle of department calls', () => {
  it('loses nothing: the other worker takes over, the killed one restarts, every application completes once', async () => {
    const count = sized(20, 100);
    // Slow departments keep calls in flight when the worker dies.
    for (const step of newborn.steps) {
      await deployment.simulator.setBehaviour(step.department, step.service, { latencyMs: 800 });
    }
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const answer = await deployment.submit(newbornRequest());
      expect(answer.status).toBe(201);
      ids.push(answer.body.id);
    }
    // Calls under way at the departments: the kill lands in the middle of them.
    await eventually('department calls in flight', async () => {
      const entries = await deployment.simulator.ledger();
      return entries.length >= count / 2 ? entries : undefined;
    });
    const [victim] = deployment.workers;
    await victim?.killEverything();
    const killedAt = Date.now();
    const survivorReady = await fetch(`${deployment.workers[1]?.healthUrl}/health/ready`);
    expect(survivorReady.status).toBe(200);
    await deployment.startWorker();

    const views = await waitUntilEnded(deployment, ids, 180_000);
    const recoveredMs = Date.now() - killedAt;
    const report = await checkInvariants(deployment, ids);
    await recordFaultResult({
      id: 'R1',
      scenario:
        'one of two workers SIGKILLed mid-calls (800 ms departments); the survivor takes over, the killed one restarts',
      figures: {
        applications: count,
        workersKilled: 1,
        secondsFromKillToAllEnded: Math.round(recoveredMs / 100) / 10,
      },
      invariants: report.invariants,
    });
    expect(report.problems).toEqual([]);
    expect([...views.values()].every((v) => v.status === 'completed')).toBe(true);
  }, 300_000);
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import { startDeployment } from '../support/deployment.js';
import type { Deployment } from '../support/deployment.js';
import { eventually } from '../support/eventually.js';
import { newbornRequest } from '../support/newborn.js';
import { checkInvariants, sized, waitUntilEnded } from './invariants.js';
import { recordFaultResult } from './results.js';

// R2: power loss of Onething's machine: every process SIGKILLed with applications in flight.
let deployment: Deployment;
beforeAll(async () => {
  deployment = await startDeployment({ logDir: inject('logDir'), apis: 1, workers: 1 });
});
afterAll(async () => {
  await deployment?.close();
});

describe('R2: power loss with applications in flight', () => {
  it('finishes every accepted application after everything restarts on the same data, each key naming its first application', async () => {
    const count = sized(20, 60);
    for (const step of newborn.steps) {
      await deployment.simulator.setBehaviour(step.department, step.service, { latencyMs: 1000 });
    }
    const byKey = new Map<string, string>();
    for (let i = 0; i < count; i += 1) {
      const key = `power-${randomUUID()}`;
      const answer = await deployment.submit(newbornRequest(), key);
      expect(answer.status).toBe(201);
      byKey.set(key, answer.body.id);
    }
    await eventually('department calls in flight', async () => {
      const entries = await deployment.simulator.ledger();
      return entries.length >= count / 2 ? entries : undefined;
    });

    // Everything of Onething's at once: API, worker, Temporal server, PostgreSQL. The departments'
    // systems are other organisations' machines: the simulator keeps running.
    await Promise.all([
      ...deployment.apis.map((p) => p.killEverything()),
      ...deployment.workers.map((p) => p.killEverything()),
      deployment.temporalServer.kill(),
      deployment.postgres.kill(),
    ]);
    deployment.apis.length = 0;
    deployment.workers.length = 0;
    const restartedAt = Date.now();
    await deployment.postgres.start();
    await deployment.temporalServer.start();
    await Promise.all([deployment.startApi(), deployment.startWorker()]);

    const views = await waitUntilEnded(deployment, byKey.values(), 240_000);
    const recoveredMs = Date.now() - restartedAt;
    // The portal's retries after the outage get the applications they were first given.
    for (const [key, id] of byKey) {
      const again = await deployment.submit(newbornRequest(), key);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(id);
    }
    const report = await checkInvariants(deployment, byKey.values());
    await recordFaultResult({
      id: 'R2',
      scenario:
        'API, worker, Temporal server and PostgreSQL SIGKILLed together with calls in flight (1 s departments); all restarted on the same data',
      figures: {
        applications: count,
        processesKilled: 4,
        secondsFromRestartToAllEnded: Math.round(recoveredMs / 100) / 10,
      },
      invariants: { ...report.invariants, keysNameTheirFirstApplication: true },
    });
    expect(report.problems).toEqual([]);
    expect([...views.values()].every((v) => v.status === 'completed')).toBe(true);
  }, 400_000);
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startDeployment } from '../support/deployment.js';
import type { Answer, Deployment } from '../support/deployment.js';
import { newbornRequest } from '../support/newborn.js';
import { checkInvariants, sized, waitUntilEnded } from './invariants.js';
import { recordFaultResult } from './results.js';

// R4: the Temporal frontend stopped and restarted while portals submit.
let deployment: Deployment;
beforeAll(async () => {
  deployment = await startDeployment({ logDir: inject('logDir'), apis: 1, workers: 1 });
});
afterAll(async () => {
  await deployment?.close();
});

describe('R4: the Temporal frontend down while portals submit', () => {
  it('answers 503 with Retry-After, loses nothing answered 201, and a retry with the same key gives one application', async () => {
    const outageMs = sized(10_000, 30_000);
    const created = new Map<string, string>();
    const refused: Array<{ key: string; answer: Answer }> = [];
    const submitOnce = async () => {
      const key = `temporal-outage-${randomUUID()}`;
      const answer = await deployment.submit(newbornRequest(), key);
      if (answer.status === 201) created.set(key, answer.body.id);
      else refused.push({ key, answer });
    };
    for (let i = 0; i < sized(5, 20); i += 1) await submitOnce();

    await deployment.temporalServer.stop();
    const stoppedAt = Date.now();
    while (Date.now() - stoppedAt < outageMs) await submitOnce();
    // Readiness tells the load balancer what is down; liveness stays up (restarting helps nothing).
    const ready = await deployment.request<{ down: string[] }>('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.down).toEqual(['temporal']);
    expect((await deployment.request('GET', '/health/live')).status).toBe(200);
    await deployment.temporalServer.start();
    const restartedAt = Date.now();
    for (let i = 0; i < sized(5, 20); i += 1) await submitOnce();

    expect(refused.length).toBeGreaterThan(0);
    for (const { answer } of refused) {
      expect(answer.status).toBe(503);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // The portal sends each refused request again with its key: one application each, and a
    // second retry names the same one.
    for (const { key } of refused) {
      const retried = await deployment.submit(newbornRequest(), key);
      expect([200, 201]).toContain(retried.status);
      const again = await deployment.submit(newbornRequest(), key);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(retried.body.id);
      created.set(key, retried.body.id);
    }
    expect(new Set(created.values()).size).toBe(created.size);

    const views = await waitUntilEnded(deployment, created.values(), 240_000);
    const recoveredMs = Date.now() - restartedAt;
    const report = await checkInvariants(deployment, created.values());
    await recordFaultResult({
      id: 'R4',
      scenario: `Temporal frontend stopped for ${outageMs / 1000} s and restarted while a portal kept submitting`,
      figures: {
        applications: created.size,
        answered503: refused.length,
        secondsFromRestartToAllEnded: Math.round(recoveredMs / 100) / 10,
      },
      invariants: { ...report.invariants, retriedKeysGiveOneApplication: true },
    });
    expect(report.problems).toEqual([]);
    expect([...views.values()].every((v) => v.status === 'completed')).toBe(true);
  }, 400_000);
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import { startDeployment } from '../support/deployment.js';
import type { Answer, Deployment } from '../support/deployment.js';
import { eventually } from '../support/eventually.js';
import { newbornRequest } from '../support/newborn.js';
import { checkInvariants, sized, waitUntilEnded } from './invariants.js';
import { recordFaultResult } from './results.js';

// R3: PostgreSQL stopped while applications run.
let deployment: Deployment;
beforeAll(async () => {
  deployment = await startDeployment({ logDir: inject('logDir'), apis: 1, workers: 1 });
});
afterAll(async () => {
  await deployment?.close();
});

describe('R3: PostgreSQL stopped while applications run', () => {
  it('answers 503 problem+json with Retry-After meanwhile, and the workflows catch up when it returns', async () => {
    const count = sized(15, 40);
    const outageMs = sized(15_000, 30_000);
    for (const step of newborn.steps) {
      await deployment.simulator.setBehaviour(step.department, step.service, { latencyMs: 500 });
    }
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const answer = await deployment.submit(newbornRequest());
      expect(answer.status).toBe(201);
      ids.push(answer.body.id);
    }
    await eventually('department calls in flight', async () =>
      (await deployment.simulator.ledger()).length >= count / 2 ? true : undefined,
    );

    await deployment.postgres.stop();
    const stoppedAt = Date.now();
    const during: Array<{ what: string; answer: Answer; ms: number }> = [];
    const refusedKeys: string[] = [];
    const timed = async (what: string, call: () => Promise<Answer>) => {
      const started = Date.now();
      during.push({ what, answer: await call(), ms: Date.now() - started });
    };
    while (Date.now() - stoppedAt < outageMs) {
      const key = `outage-${randomUUID()}`;
      refusedKeys.push(key);
      await timed('read', () => deployment.request('GET', `/v1/applications/${ids[0]}`));
      await timed('submit', () => deployment.submit(newbornRequest(), key));
      await timed('ready', () => deployment.request('GET', '/health/ready'));
    }
    await deployment.postgres.start();
    const restartedAt = Date.now();

    for (const { what, answer, ms } of during) {
      expect(answer.status, what).toBe(503);
      expect(answer.headers.get('content-type'), what).toContain('application/problem+json');
      expect(Number(answer.headers.get('retry-after')), what).toBeGreaterThan(0);
      // Never a hang: the pool gives up on a connection within its timeout.
      expect(ms, what).toBeLessThan(15_000);
    }
    // What was refused was not kept: the same keys now create their applications, once.
    const retried = await deployment.submit(newbornRequest(), refusedKeys[0]);
    expect(retried.status).toBe(201);
    ids.push(retried.body.id);

    const views = await waitUntilEnded(deployment, ids, 240_000);
    const recoveredMs = Date.now() - restartedAt;
    const report = await checkInvariants(deployment, ids);
    await recordFaultResult({
      id: 'R3',
      scenario: `PostgreSQL stopped for ${outageMs / 1000} s with applications running (500 ms departments)`,
      figures: {
        applications: ids.length,
        requestsDuringOutage: during.length,
        slowestAnswerDuringOutageMs: Math.max(...during.map((d) => d.ms)),
        secondsFromRestartToAllEnded: Math.round(recoveredMs / 100) / 10,
      },
      invariants: { ...report.invariants, every503HadRetryAfter: true },
    });
    expect(report.problems).toEqual([]);
    expect([...views.values()].every((v) => v.status === 'completed')).toBe(true);
  }, 400_000);
});

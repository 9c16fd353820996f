import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { startDeployment } from '../support/deployment.js';
import type { Deployment } from '../support/deployment.js';
import { newbornRequest } from '../support/newborn.js';
import { checkInvariants, sized, waitUntilEnded } from './invariants.js';
import { recordFaultResult } from './results.js';

// R6: one submission sent many times at once, through two API processes.
let deployment: Deployment;
beforeAll(async () => {
  deployment = await startDeployment({ logDir: inject('logDir'), apis: 2, workers: 1 });
});
afterAll(async () => {
  await deployment?.close();
});

describe('R6: concurrent duplicates over two API processes', () => {
  it('gives one application and one workflow for 100 concurrent POSTs with one Idempotency-Key', async () => {
    const rounds = sized(2, 5);
    const ids: string[] = [];
    let answered = 0;
    for (let round = 0; round < rounds; round += 1) {
      const key = `duplicate-${randomUUID()}`;
      const body = newbornRequest();
      const answers = await Promise.all(
        Array.from({ length: 100 }, (_, i) => deployment.submit(body, key, i % 2)),
      );
      answered += answers.length;
      const statuses = answers.map((a) => a.status);
      // One creates it; every other gets the same application (200). None is refused or lost.
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(99);
      const distinct = new Set(answers.map((a) => a.body.id));
      expect(distinct.size).toBe(1);
      const id = answers[0]?.body.id as string;
      ids.push(id);
      // One workflow: its id is the application's, and Temporal knows a single run of it.
      const runs = [];
      for await (const run of deployment.temporal.workflow.list({
        query: `WorkflowId = '${applicationWorkflowId(id)}'`,
      }))
        runs.push(run);
      expect(runs).toHaveLength(1);
    }
    await waitUntilEnded(deployment, ids, 120_000);
    const report = await checkInvariants(deployment, ids);
    await recordFaultResult({
      id: 'R6',
      scenario: '100 concurrent POSTs with one Idempotency-Key, alternating between two API processes',
      figures: { rounds, requests: answered, applicationsCreated: ids.length },
      invariants: { ...report.invariants, oneApplicationOneWorkflowPerKey: true },
    });
    expect(report.problems).toEqual([]);
  }, 300_000);
});

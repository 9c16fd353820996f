import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

async function workflowRuns(applicationId: string): Promise<number> {
  let runs = 0;
  for await (const _ of stack.client.workflow.list({
    query: `WorkflowId = '${applicationWorkflowId(applicationId)}'`,
  })) {
    runs += 1;
  }
  return runs;
}

describe('Idempotency-Key', () => {
  it('returns the same application for the same key, also after it completed', async () => {
    const key = randomUUID();
    const first = await stack.submit(newbornRequest(), key);
    expect(first.status).toBe(201);
    const again = await stack.submit(newbornRequest(), key);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);

    await stack.waitForApplication(first.body.id, ended);
    const afterEnd = await stack.submit(newbornRequest(), key);
    expect(afterEnd.status).toBe(200);
    expect(afterEnd.body).toMatchObject({ id: first.body.id, status: 'completed' });
    expect(await workflowRuns(first.body.id)).toBe(1);
  });

  it('gives one application and one workflow for concurrent duplicates', async () => {
    const key = randomUUID();
    const results = await Promise.all(Array.from({ length: 12 }, () => stack.submit(newbornRequest(), key)));
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(11);

    const [id] = [...ids] as [string];
    const view = await stack.waitForApplication(id, ended);
    expect(view.status).toBe('completed');
    expect(await workflowRuns(id)).toBe(1);
    const rows = await stack.pool.query('SELECT id FROM applications WHERE idempotency_key = $1', [key]);
    expect(rows.rowCount).toBe(1);
    // One side effect per step at the departments.
    const ledger = await stack.simulator.ledger({ keyPrefix: `${id}:` });
    expect(ledger.filter((e) => e.department === 'health')).toHaveLength(1);
  });

  it('refuses the same key with another body with 409, changing nothing', async () => {
    const key = randomUUID();
    const first = await stack.submit(newbornRequest(), key);
    expect(first.status).toBe(201);
    const other = await stack.submit(
      newbornRequest({ form: { mailingAddress: '另一个地址 another address' } }),
      key,
    );
    expect(other.status).toBe(409);
    expect(other.contentType).toContain('application/problem+json');
    expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    const rows = await stack.pool.query('SELECT id FROM applications WHERE idempotency_key = $1', [key]);
    expect(rows.rowCount).toBe(1);
  });

  it('treats a body with the same content in another key order as the same request', async () => {
    const key = randomUUID();
    const request = newbornRequest();
    const first = await stack.submit(request, key);
    const reordered = { form: request.form, applicant: request.applicant, bundleId: request.bundleId };
    const again = await stack.submit(reordered, key);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
  });
});

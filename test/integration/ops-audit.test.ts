import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

interface AuditList {
  entries: Array<{
    id: string;
    action: string;
    actor: { keyId: string; name: string };
    role: string;
    applicationId: string | null;
    stepId: string | null;
    target: string | null;
    reason: string | null;
    result: string;
  }>;
  nextCursor: string | null;
}

// Birth certificates are decided by clerks in the work list here, so there are tasks to act on.
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ stepDeciders: new Map([['newborn.birthCertificate', 'worklist']]) });
});
afterAll(async () => {
  await stack?.close();
});

describe('the audit log', () => {
  it('records task claim, release and completion with who, what and the result', async () => {
    const submitted = await stack.submit(newbornRequest());
    const id = submitted.body.id;
    const task = await stack.waitForOpenTask(id, 'healthClerk');
    expect(
      (await stack.request('POST', `/v1/tasks/${task.id}/claim`, undefined, {}, 'healthClerk')).status,
    ).toBe(200);
    expect(
      (await stack.request('POST', `/v1/tasks/${task.id}/release`, undefined, {}, 'healthClerk')).status,
    ).toBe(200);
    const decided = await stack.decideTask(task.id, 'healthClerk', {
      decision: 'approve',
      outputs: { certificateNumber: 'Y2026112000001' },
    });
    expect(decided.status).toBe(200);
    await stack.waitForApplication(id, ended);

    const audit = await stack.request<AuditList>(
      'GET',
      `/v1/ops/audit?applicationId=${id}`,
      undefined,
      {},
      'operator',
    );
    expect(audit.status).toBe(200);
    // Newest first.
    expect(audit.body.entries.map((e) => e.action)).toEqual([
      'task.complete',
      'task.claim',
      'task.release',
      'task.claim',
    ]);
    expect(audit.body.entries[0]).toMatchObject({
      actor: { name: 'healthClerk' },
      role: 'clerk:health',
      applicationId: id,
      stepId: 'birthCertificate',
      target: task.id,
      reason: 'approve',
      result: 'ok',
    });

    const claims = await stack.request<AuditList>(
      'GET',
      `/v1/ops/audit?action=task.claim&applicationId=${id}&limit=1`,
      undefined,
      {},
      'admin',
    );
    expect(claims.body.entries).toHaveLength(1);
    const next = await stack.request<AuditList>(
      'GET',
      `/v1/ops/audit?action=task.claim&applicationId=${id}&limit=1&cursor=${claims.body.nextCursor}`,
      undefined,
      {},
      'admin',
    );
    expect(next.body.entries).toHaveLength(1);
    expect(next.body.nextCursor).toBeNull();
    expect(next.body.entries[0]?.id).not.toBe(claims.body.entries[0]?.id);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await stack.request<AuditList>(
      'GET',
      `/v1/ops/audit?from=${encodeURIComponent(future)}`,
      undefined,
      {},
      'operator',
    );
    expect(none.body.entries).toEqual([]);
  });

  it('records a clerk reaching for an operator route, refused, but not a portal doing so', async () => {
    const path = `/v1/ops/departments/police/pause`;
    expect((await stack.request('POST', path, { reason: 'x' }, {}, 'healthClerk')).status).toBe(403);
    expect((await stack.request('POST', path, { reason: 'x' }, {}, 'portal')).status).toBe(403);
    const audit = await stack.request<AuditList>(
      'GET',
      '/v1/ops/audit?action=route.refused',
      undefined,
      {},
      'operator',
    );
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        role: 'clerk:health',
        target: `POST ${path}`,
        result: 'FORBIDDEN',
      }),
    ]);
  });

  it('refuses to change or remove an entry', async () => {
    await expect(stack.pool.query(`UPDATE audit_log SET result = 'forged'`)).rejects.toThrow(/append-only/);
    await expect(stack.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(stack.pool.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
  });
});

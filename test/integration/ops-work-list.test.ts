import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, parseRole } from '../../api/auth/api-keys.js';
import { revokeApiKey } from '../../db/api-keys.js';
import type { ApplicationView } from '../../schemas/api.js';
import type { TaskSummary } from '../../schemas/work-list.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestRole, TestStack } from '../support/stack.js';

type Problem = { code: string; detail?: string; errors?: Array<{ path: string }> };
type Answer = TaskSummary & Problem;
interface AuditList {
  entries: Array<{
    action: string;
    actor: { keyId: string; name: string };
    role: string;
    applicationId: string | null;
    stepId: string | null;
    target: string | null;
    reason: string | null;
    result: string;
    detail: Record<string, unknown>;
  }>;
}

/** A clerk key made for this file: the stack's own keys do not tell their ids. */
interface Clerk {
  id: string;
  secret: string;
}

// Vaccination certificates are decided by CDC clerks in the work list here. The step has 22
// working days, so no due time escalates its task while a test runs.
let stack: TestStack;
let cdcA: Clerk;
let cdcB: Clerk;
let cdcRevoked: Clerk;
let police: Clerk;
beforeAll(async () => {
  stack = await startTestStack({ stepDeciders: new Map([['newborn.vaccination', 'worklist']]) });
  const key = (name: string, role: string) => createApiKey(stack.pool, { name, ...parseRole(role) });
  cdcA = await key('cdc-clerk-a', 'clerk:cdc');
  cdcB = await key('cdc-clerk-b', 'clerk:cdc');
  cdcRevoked = await key('cdc-clerk-gone', 'clerk:cdc');
  await revokeApiKey(stack.pool, cdcRevoked.id);
  police = await key('police-clerk', 'clerk:police');
});
afterAll(async () => {
  await stack?.close();
});
afterEach(async () => {
  await stack.simulator.setBehaviour('hr-social-security', 'social-security-card', {});
  await stack.simulator.setBehaviour('tax', 'resident-contribution', {});
});

/** A request with one of this file's clerk keys. */
async function asClerk<T = Answer>(clerk: Clerk, method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${clerk.secret}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const as = <T = Answer>(role: TestRole, method: string, path: string, body?: unknown) =>
  stack.request<T>(method, path, body, {}, role);
const escalate = (taskId: string, body: unknown, role: TestRole = 'operator') =>
  as(role, 'POST', `/v1/ops/tasks/${taskId}/escalate`, body);
const reassign = (taskId: string, body: unknown, role: TestRole = 'operator') =>
  as(role, 'POST', `/v1/ops/tasks/${taskId}/reassign`, body);
const approve = { decision: 'approve', outputs: { vaccinationRecordId: 'VR-2026-0001' } };

/** Submits a newborn application and waits (bounded) for its vaccination task. */
async function applicationWithTask(): Promise<{ id: string; task: TaskSummary }> {
  const submitted = await stack.submit(newbornRequest());
  expect(submitted.status).toBe(201);
  const id = submitted.body.id;
  return { id, task: await stack.waitForOpenTask(id, 'operator') };
}

async function auditOf(applicationId: string) {
  const audit = await as<AuditList>(
    'operator',
    'GET',
    `/v1/ops/audit?applicationId=${applicationId}&limit=100`,
  );
  expect(audit.status).toBe(200);
  return audit.body.entries;
}

const stepOf = (view: ApplicationView, id: string) => view.steps.find((s) => s.id === id);

describe('operators escalate and reassign work-list tasks', () => {
  it('escalates a task now, once; the clerk’s decision still completes the step', async () => {
    const { id, task } = await applicationWithTask();
    expect(task).toMatchObject({ department: 'cdc', queue: 'department', escalatedAt: null });

    expect((await escalate(task.id, { reason: 'x' }, 'portal')).status).toBe(403);
    expect((await escalate(task.id, { reason: 'x' }, 'healthClerk')).status).toBe(403);
    const noReason = await escalate(task.id, { reason: '   ' });
    expect(noReason.status).toBe(400);
    expect(noReason.contentType).toMatch(/^application\/problem\+json/);
    expect((await escalate(task.id, { reason: 'x', extra: true })).status).toBe(400);
    expect((await escalate(randomUUID(), { reason: 'x' })).body.code).toBe('TASK_NOT_FOUND');

    const escalated = await escalate(task.id, { reason: '群众投诉 / the family complained' });
    expect(escalated.status).toBe(200);
    expect(escalated.body).toMatchObject({
      id: task.id,
      status: 'open',
      queue: 'supervisor',
      escalatedAt: expect.any(String),
      // Escalated early: not past its due time, so not overdue.
      overdue: false,
    });
    const again = await escalate(task.id, { reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TASK_ALREADY_ESCALATED');

    const supervisor = await asClerk<{ tasks: TaskSummary[] }>(cdcA, 'GET', '/v1/tasks?queue=supervisor');
    expect(supervisor.body.tasks.map((t) => t.id)).toContain(task.id);
    const metrics = await fetch(`${stack.apiUrl}/metrics`, {
      headers: { authorization: `Bearer ${stack.keys.operator}` },
    });
    expect(await metrics.text()).toMatch(
      /onething_tasks_open\{department="cdc",queue="supervisor",status="open"\} [1-9]/,
    );

    // The workflow still waits for the decision, and takes it.
    expect((await asClerk(cdcA, 'POST', `/v1/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await asClerk(cdcA, 'POST', `/v1/tasks/${task.id}/complete`, approve)).status).toBe(200);
    const done = await stack.waitForApplication(id, ended);
    expect(done.status).toBe('completed');
    expect(stepOf(done, 'vaccination')).toMatchObject({
      status: 'completed',
      outputs: approve.outputs,
    });
    const late = await escalate(task.id, { reason: 'too late' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('TASK_ALREADY_COMPLETED');

    const audit = await auditOf(id);
    const escalations = audit.filter((e) => e.action === 'task.escalate');
    expect(escalations.map((e) => e.result).sort()).toEqual(
      ['TASK_ALREADY_COMPLETED', 'TASK_ALREADY_ESCALATED', 'ok'].sort(),
    );
    expect(escalations.find((e) => e.result === 'ok')).toMatchObject({
      role: 'operator',
      actor: { name: 'operator' },
      applicationId: id,
      stepId: 'vaccination',
      target: task.id,
      reason: '群众投诉 / the family complained',
    });
  });

  it('reassigns a task to a clerk of its department, who alone may complete it, or back to the queue', async () => {
    const { id, task } = await applicationWithTask();
    expect((await asClerk(cdcA, 'POST', `/v1/tasks/${task.id}/claim`)).status).toBe(200);

    const reason = '张三休假 / on leave';
    expect((await reassign(task.id, { reason, to: cdcB.id }, 'portal')).status).toBe(403);
    expect((await reassign(task.id, { reason, to: cdcB.id }, 'policeClerk')).status).toBe(403);
    expect((await reassign(task.id, { reason })).status).toBe(400);
    const otherDepartment = await reassign(task.id, { reason, to: police.id });
    expect(otherDepartment.status).toBe(400);
    expect(otherDepartment.body).toMatchObject({ code: 'TASK_ASSIGNEE_INVALID' });
    expect(otherDepartment.body.errors?.map((e) => e.path)).toEqual(['body.to']);
    expect((await reassign(task.id, { reason, to: 'key_000000000000' })).body.code).toBe(
      'TASK_ASSIGNEE_INVALID',
    );
    const revoked = await reassign(task.id, { reason, to: cdcRevoked.id });
    expect(revoked.status).toBe(409);
    expect(revoked.body.code).toBe('TASK_ASSIGNEE_REVOKED');

    const toB = await reassign(task.id, { reason, to: cdcB.id });
    expect(toB.status).toBe(200);
    expect(toB.body).toMatchObject({ status: 'claimed', assignee: `${cdcB.id} cdc-clerk-b` });
    expect((await asClerk(cdcB, 'GET', `/v1/tasks/${task.id}`)).body).toMatchObject({
      status: 'claimed',
      assignee: `${cdcB.id} cdc-clerk-b`,
    });
    // The clerk who held it no longer may complete, release or claim it.
    const byA = await asClerk(cdcA, 'POST', `/v1/tasks/${task.id}/complete`, approve);
    expect(byA.status).toBe(409);
    expect(byA.body.code).toBe('TASK_CONFLICT');
    expect((await asClerk(cdcA, 'POST', `/v1/tasks/${task.id}/claim`)).body.code).toBe('TASK_CONFLICT');

    const toQueue = await reassign(task.id, { reason: 'back to the team', to: 'queue' });
    expect(toQueue.status).toBe(200);
    expect(toQueue.body).toMatchObject({ status: 'open', assignee: null, queue: 'department' });
    expect((await asClerk(cdcB, 'POST', `/v1/tasks/${task.id}/complete`, approve)).body.code).toBe(
      'TASK_CONFLICT',
    );

    expect((await asClerk(cdcA, 'POST', `/v1/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await asClerk(cdcA, 'POST', `/v1/tasks/${task.id}/complete`, approve)).status).toBe(200);
    expect((await stack.waitForApplication(id, ended)).status).toBe('completed');
    const late = await reassign(task.id, { reason, to: cdcB.id });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('TASK_ALREADY_COMPLETED');

    const audit = await auditOf(id);
    const reassignments = audit.filter((e) => e.action === 'task.reassign');
    expect(reassignments.map((e) => e.result).sort()).toEqual(
      [
        'TASK_ALREADY_COMPLETED',
        'TASK_ASSIGNEE_INVALID',
        'TASK_ASSIGNEE_INVALID',
        'TASK_ASSIGNEE_REVOKED',
        'ok',
        'ok',
      ].sort(),
    );
    expect(reassignments).toContainEqual(
      expect.objectContaining({ result: 'ok', reason, detail: { to: cdcB.id }, stepId: 'vaccination' }),
    );
    // The refused clerk actions are there too, with why.
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'task.complete',
        result: 'TASK_CONFLICT',
        actor: expect.objectContaining({ keyId: cdcA.id }),
        reason: 'approve',
        target: task.id,
        applicationId: id,
      }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'task.claim', result: 'TASK_CONFLICT', role: 'clerk:cdc' }),
    );
  });

  it('audits a clerk of another department refused a task, and a conflicting claim', async () => {
    const { id, task } = await applicationWithTask();
    const foreign = await asClerk(police, 'POST', `/v1/tasks/${task.id}/claim`);
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('FORBIDDEN');
    expect((await asClerk(cdcA, 'POST', `/v1/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await asClerk(cdcB, 'POST', `/v1/tasks/${task.id}/claim`)).status).toBe(409);
    expect((await asClerk(cdcB, 'POST', `/v1/tasks/${task.id}/release`)).status).toBe(409);

    const claims = (await auditOf(id)).filter((e) => e.target === task.id);
    expect(claims.map((e) => [e.action, e.actor.keyId, e.result])).toEqual([
      ['task.release', cdcB.id, 'TASK_CONFLICT'],
      ['task.claim', cdcB.id, 'TASK_CONFLICT'],
      ['task.claim', cdcA.id, 'ok'],
      ['task.claim', police.id, 'FORBIDDEN'],
    ]);
    expect(claims[3]).toMatchObject({ role: 'clerk:police', applicationId: id, stepId: 'vaccination' });
    expect(claims[1]?.detail).toMatchObject({ title: 'The task is claimed by another clerk' });
  });
});

describe('operators withdraw an application', () => {
  it('withdraws with compensation, naming the operator and the reason on the steps it ends', async () => {
    // Social security and the contribution wait for decisions, so the application is still running.
    for (const [department, service] of [
      ['hr-social-security', 'social-security-card'],
      ['tax', 'resident-contribution'],
    ] as const) {
      await stack.simulator.setBehaviour(department, service, {
        decision: 'callback',
        decisionDelayMs: 600_000,
      });
    }
    const { id, task } = await applicationWithTask();
    const running = await stack.waitForApplication(
      id,
      (v) =>
        stepOf(v, 'socialSecurityCard')?.status === 'waiting' &&
        stepOf(v, 'insurancePayment')?.status === 'waiting',
    );
    expect(stepOf(running, 'medicalInsurance')?.status).toBe('completed');

    const reason = '申请人到窗口要求撤回 / asked at the counter';
    const withdraw = (body: unknown, role: TestRole = 'operator') =>
      as<ApplicationView & Problem>(role, 'POST', `/v1/ops/applications/${id}/withdraw`, body);
    expect((await withdraw({ reason }, 'portal')).status).toBe(403);
    expect((await withdraw({ reason }, 'policeClerk')).status).toBe(403);
    expect((await withdraw({})).status).toBe(400);
    const accepted = await withdraw({ reason });
    expect(accepted.status).toBe(202);
    expect(accepted.body.id).toBe(id);

    const done = await stack.waitForApplication(id, ended);
    expect(done.status).toBe('withdrawn');
    expect(stepOf(done, 'medicalInsurance')?.status).toBe('compensated');
    for (const stepId of ['socialSecurityCard', 'insurancePayment', 'vaccination']) {
      expect(stepOf(done, stepId)).toMatchObject({
        status: 'skipped',
        error: { code: 'Withdrawn' },
      });
      expect(stepOf(done, stepId)?.error?.message).toMatch(
        new RegExp(
          `^withdrawn by operator operator \\(${reason.replace(/[()/]/g, '\\$&')}\\) before the department decided`,
        ),
      );
    }
    // The cases the departments had accepted were cancelled, and the steps say so.
    expect(stepOf(done, 'socialSecurityCard')?.error?.message).toMatch(
      /; hr-social-security cancelled case RCPT-/,
    );
    expect(stepOf(done, 'insurancePayment')?.error?.message).toMatch(/; tax cancelled case RCPT-/);
    const undone = await stack.simulator.requests({ keyPrefix: `undo:${id}:` });
    expect(undone.filter((r) => r.kind === 'undo' && r.status === 200).map((r) => r.service)).toEqual([
      'resident-enrolment',
    ]);

    const again = await withdraw({ reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('APPLICATION_ENDED');
    const missing = await as('operator', 'POST', `/v1/ops/applications/${randomUUID()}/withdraw`, { reason });
    expect(missing.status).toBe(404);
    // The withdrawal closed the task: it left the clerks' lists, and nothing can act on it.
    const closed = await as<{ status: string; decision: unknown }>('operator', 'GET', `/v1/tasks/${task.id}`);
    expect(closed.body).toMatchObject({ status: 'completed' });
    const orphan = await escalate(task.id, { reason: 'still open?' });
    expect(orphan.status).toBe(409);
    expect(orphan.body.code).toBe('TASK_ALREADY_COMPLETED');

    const audit = await auditOf(id);
    expect(audit.filter((e) => e.action === 'application.withdraw').map((e) => [e.result, e.reason])).toEqual(
      [
        ['APPLICATION_ENDED', 'again'],
        ['ok', reason],
      ],
    );
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'task.escalate', result: 'TASK_ALREADY_COMPLETED', target: task.id }),
    );
  }, 90_000);
});

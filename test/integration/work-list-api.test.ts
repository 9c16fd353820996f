import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, parseRole } from '../../api/auth/api-keys.js';
import { insertTask } from '../../db/work-list.js';
import type { NewTask } from '../../db/work-list.js';
import type { ApplicationView } from '../../schemas/api.js';
import type { TaskDetail, TaskSummary } from '../../schemas/work-list.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestRole, TestStack } from '../support/stack.js';

let stack: TestStack;
let applicationId: string;
beforeAll(async () => {
  stack = await startTestStack();
  const submitted = await stack.submit(newbornRequest());
  applicationId = submitted.body.id;
  // The newborn bundle has no work-list step: its workflow ends and waits for no task decision.
  await stack.waitForApplication(applicationId, ended);
});
afterAll(async () => {
  await stack?.close();
});

type Problem = { code: string; detail?: string; errors?: Array<{ path: string; message?: string }> };
type TaskList = { tasks: TaskSummary[]; nextCursor: string | null };

/** A task row as the workflow's activity would open it, on the application the API created. */
async function openTask(overrides: Partial<NewTask> = {}) {
  const { row } = await insertTask(stack.pool, {
    id: randomUUID(),
    applicationId,
    stepId: 'householdRegistration',
    round: 1,
    department: 'police',
    service: 'birth-registration',
    kind: 'review',
    input: { babyName: '王小明', birthDate: '2026-03-01' },
    dueAt: new Date(Date.now() + 3 * 86_400_000),
    ...overrides,
    ...(overrides.stepId ? {} : { stepId: `step-${randomUUID().slice(0, 8)}` }),
  });
  return row;
}

const as = <T = TaskSummary & Problem>(role: TestRole, method: string, path: string, body?: unknown) =>
  stack.request<T>(method, path, body, {}, role);

describe('the work-list API', () => {
  it("keeps a clerk to its own department's tasks", async () => {
    const police = await openTask();
    const health = await openTask({ department: 'health', service: 'birth-certificate' });

    const other = await as('healthClerk', 'GET', `/v1/tasks/${police.id}`);
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('FORBIDDEN');
    expect((await as('healthClerk', 'POST', `/v1/tasks/${police.id}/claim`)).status).toBe(403);
    expect((await as('portal', 'GET', '/v1/tasks')).status).toBe(403);
    expect((await as('operator', 'POST', `/v1/tasks/${police.id}/claim`)).status).toBe(403);

    const list = await as<TaskList>('policeClerk', 'GET', '/v1/tasks?limit=100');
    expect(list.status).toBe(200);
    expect(list.body.tasks.map((t) => t.department)).not.toContain('health');
    expect(list.body.tasks.map((t) => t.id)).toContain(police.id);
    expect((await as('policeClerk', 'GET', '/v1/tasks?department=health')).status).toBe(403);

    const all = await as<TaskList>('operator', 'GET', '/v1/tasks?department=health&limit=100');
    expect(all.body.tasks.map((t) => t.id)).toContain(health.id);
    expect(all.body.tasks.every((t) => t.department === 'health')).toBe(true);
  });

  it('lists earliest due first, page by page, by filter', async () => {
    const video = await openTask({
      department: 'vehicle-office',
      service: 'video-verification',
      kind: 'video-verification',
      dueAt: new Date(Date.now() + 86_400_000),
    });
    await openTask({ dueAt: new Date(Date.now() + 2 * 86_400_000) });
    await openTask({ dueAt: new Date(Date.now() + 5 * 86_400_000) });
    const first = await as<TaskList>('operator', 'GET', '/v1/tasks?kind=video-verification&limit=1');
    expect(first.body.tasks.map((t) => t.id)).toEqual([video.id]);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page: { body: TaskList } = await as<TaskList>('policeClerk', 'GET', `/v1/tasks?limit=1${query}`);
      seen.push(...page.body.tasks.map((t) => t.dueAt));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThan(1);
    expect([...seen].sort()).toEqual(seen);
    expect((await as('policeClerk', 'GET', '/v1/tasks?cursor=nonsense')).status).toBe(400);
    expect((await as('policeClerk', 'GET', '/v1/tasks?limit=101')).status).toBe(400);
    const overdue = await as<TaskList>('operator', 'GET', '/v1/tasks?overdue=true');
    expect(overdue.body.tasks).toEqual([]);
  });

  it('shows a task with what the clerk decides on, and logs the read', async () => {
    const task = await openTask({ round: 2, supplement: { 'birth medical certificate': 'scan-1.pdf' } });
    const shown = await as<TaskDetail>('policeClerk', 'GET', `/v1/tasks/${task.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      id: task.id,
      applicationId,
      status: 'open',
      queue: 'department',
      overdue: false,
      input: { babyName: '王小明' },
      supplement: { 'birth medical certificate': 'scan-1.pdf' },
      outputsSchema: { properties: { citizenIdNumber: {}, householdPage: {} } },
    });
    // The decision form's labels, as the catalogue gives them (label()).
    expect(shown.body.outputsSchema).toMatchObject({
      properties: {
        householdPage: {
          title: '户口登记页编号',
          'x-title': { zh: '户口登记页编号', en: 'Household register page number' },
        },
      },
    });
    const log = await stack.request<{ entries: Array<Record<string, unknown>> }>(
      'GET',
      `/v1/applications/${applicationId}/access-log`,
    );
    expect(log.body.entries).toContainEqual(
      expect.objectContaining({
        actorType: 'clerk',
        action: 'read',
        actor: expect.stringContaining('clerk:police policeClerk'),
        stepId: task.step_id,
        fields: [
          `${task.step_id}.babyName`,
          `${task.step_id}.birthDate`,
          `${task.step_id}.supplement.birth medical certificate`,
        ],
      }),
    );
  });

  it("labels the task's inputs by the form field, or the earlier step's output, each is mapped from", async () => {
    // A step of the newborn bundle: the police receive the hospital's certificate number.
    const task = await openTask({ stepId: 'householdRegistration', round: 91 });
    const shown = await as<TaskDetail>('policeClerk', 'GET', `/v1/tasks/${task.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body.inputTitles).toMatchObject({
      babyName: { zh: '新生儿姓名', en: "Baby's name" },
      // steps.birthCertificate.certificateNumber and .certificate: the health commission's outputs.
      certificateNumber: { zh: '出生医学证明编号', en: 'Birth medical certificate number' },
      birthCertificate: { zh: '电子出生医学证明', en: 'Electronic birth medical certificate' },
    });
  });

  it('lets one clerk claim; another clerk, release or completion without a claim is a 409', async () => {
    const task = await openTask();
    const claim = await as('policeClerk', 'POST', `/v1/tasks/${task.id}/claim`);
    expect(claim.status).toBe(200);
    expect(claim.body).toMatchObject({ status: 'claimed', assignee: expect.stringContaining('policeClerk') });
    expect((await as('policeClerk', 'POST', `/v1/tasks/${task.id}/claim`)).status).toBe(200);
    const released = await as('policeClerk', 'POST', `/v1/tasks/${task.id}/release`);
    expect(released.body).toMatchObject({ status: 'open', assignee: null });
    const again = await as('policeClerk', 'POST', `/v1/tasks/${task.id}/release`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TASK_CONFLICT');
    const unclaimed = await as('policeClerk', 'POST', `/v1/tasks/${task.id}/complete`, {
      decision: 'reject',
      reason: 'incomplete',
    });
    expect(unclaimed.status).toBe(409);
    expect(unclaimed.body.code).toBe('TASK_CONFLICT');
    expect((await as('policeClerk', 'POST', `/v1/tasks/${randomUUID()}/claim`)).body.code).toBe(
      'TASK_NOT_FOUND',
    );
  });

  it('validates a decision: outputs by the service, missing items, verification for video tasks', async () => {
    const task = await openTask();
    await as('policeClerk', 'POST', `/v1/tasks/${task.id}/claim`);
    const badOutputs = await as('policeClerk', 'POST', `/v1/tasks/${task.id}/complete`, {
      decision: 'approve',
      outputs: { householdPage: 'HP-1' },
    });
    expect(badOutputs.status).toBe(400);
    expect(badOutputs.body.errors?.map((e) => e.path)).toEqual(['body.outputs.citizenIdNumber']);
    const noMissing = await as('policeClerk', 'POST', `/v1/tasks/${task.id}/complete`, {
      decision: 'request-supplement',
      missing: [],
    });
    expect(noMissing.status).toBe(400);
    const noReason = await as('policeClerk', 'POST', `/v1/tasks/${task.id}/complete`, { decision: 'reject' });
    expect(noReason.status).toBe(400);

    expect(
      (await as('operator', 'POST', `/v1/tasks/${task.id}/complete`, { decision: 'reject', reason: 'x' }))
        .status,
    ).toBe(403);
  });

  it('requires what the officer verified for a video-verification task', async () => {
    const officer = await createApiKey(stack.pool, { name: 'officer', ...parseRole('clerk:vehicle-office') });
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${officer.secret}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as TaskDetail & Problem };
    };
    const room = 'vehicle-office-r1';
    const video = await openTask({
      department: 'vehicle-office',
      service: 'video-verification',
      kind: 'video-verification',
      video: {
        room,
        joinUrls: {
          citizen: `https://video.invalid/rooms/${room}?role=citizen`,
          officer: `https://video.invalid/rooms/${room}?role=officer`,
        },
        provider: 'stub',
      },
    });
    const shown = await call('GET', `/v1/tasks/${video.id}`);
    expect(shown.body.video).toMatchObject({ room, provider: 'stub' });
    expect((await call('POST', `/v1/tasks/${video.id}/claim`)).status).toBe(200);
    const unverified = await call('POST', `/v1/tasks/${video.id}/complete`, {
      decision: 'reject',
      reason: 'x',
    });
    expect(unverified.status).toBe(400);
    expect(unverified.body.errors?.map((e) => e.path)).toEqual(['body.verification']);
    const outputs = { verificationNumber: 'V-1', recordingReference: 'rec-1' };
    const badVerification = await call('POST', `/v1/tasks/${video.id}/complete`, {
      decision: 'approve',
      outputs,
      verification: {
        liveness: 'maybe',
        officer: 'Officer Zhang',
        recordingRef: 'rec-1',
        verified: ['identity'],
      },
    });
    expect(badVerification.status).toBe(400);
    // Well formed, but nothing an officer may approve on: each gap is named.
    const waved = await call('POST', `/v1/tasks/${video.id}/complete`, {
      decision: 'approve',
      outputs,
      verification: {
        liveness: 'failed',
        officer: 'Officer Zhang',
        recordingRef: ' ',
        verified: ['identity'],
      },
    });
    expect(waved.status).toBe(409);
    expect(waved.body.code).toBe('VERIFICATION_INCOMPLETE');
    expect(waved.body.errors).toEqual([
      { path: 'body.verification.liveness', message: 'the liveness check did not pass' },
      { path: 'body.verification.verified', message: 'contact is not verified' },
      { path: 'body.verification.verified', message: 'address is not verified' },
      { path: 'body.verification.verified', message: 'vehicle is not verified' },
      { path: 'body.verification.recordingRef', message: 'no recording reference' },
    ]);
    const unrecorded = await call('POST', `/v1/tasks/${video.id}/complete`, {
      decision: 'approve',
      outputs,
      verification: {
        liveness: 'passed',
        officer: 'Officer Zhang',
        verified: ['identity', 'contact', 'address', 'vehicle'],
      },
    });
    expect(unrecorded.body.errors?.map((e) => e.path)).toEqual(['body.verification.recordingRef']);
    // Valid, but no workflow waits for it.
    const valid = await call('POST', `/v1/tasks/${video.id}/complete`, {
      decision: 'approve',
      outputs,
      verification: {
        liveness: 'passed',
        officer: 'Officer Zhang',
        recordingRef: 'rec-1',
        verified: ['identity', 'contact', 'address', 'vehicle'],
      },
    });
    expect(valid.status).toBe(409);
    expect(valid.body.code).toBe('TASK_CONFLICT');
  });

  it('answers 409 when no workflow waits for the decision, and leaves the task claimed', async () => {
    const task = await openTask();
    await as('policeClerk', 'POST', `/v1/tasks/${task.id}/claim`);
    const completed = await as('policeClerk', 'POST', `/v1/tasks/${task.id}/complete`, {
      decision: 'approve',
      outputs: { citizenIdNumber: '330106199203150027', householdPage: 'HP-0001' },
    });
    expect(completed.status).toBe(409);
    expect(completed.body.code).toBe('TASK_CONFLICT');
    const shown = await as<TaskDetail>('policeClerk', 'GET', `/v1/tasks/${task.id}`);
    expect(shown.body).toMatchObject({ status: 'claimed', decision: null });
  });

  it('answers 409 TASK_ALREADY_COMPLETED for a completed task', async () => {
    const task = await openTask();
    await stack.pool.query(
      `UPDATE human_tasks SET status = 'completed', completed_at = now() WHERE id = $1`,
      [task.id],
    );
    const again = await as('policeClerk', 'POST', `/v1/tasks/${task.id}/complete`, {
      decision: 'reject',
      reason: 'x',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('TASK_ALREADY_COMPLETED');
    expect((await as('policeClerk', 'POST', `/v1/tasks/${task.id}/claim`)).body.code).toBe(
      'TASK_ALREADY_COMPLETED',
    );
  });

  it('refuses supplements nobody asked for, and another portal’s application is not found', async () => {
    const refused = await stack.request<Problem>('POST', `/v1/applications/${applicationId}/supplements`, {
      answers: { photo: 'p.jpg' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('SUPPLEMENT_REFUSED');
    const other = await as<ApplicationView & Problem>(
      'otherPortal',
      'POST',
      `/v1/applications/${applicationId}/supplements`,
      {
        answers: { photo: 'p.jpg' },
      },
    );
    expect(other.status).toBe(404);
  });

  it('serves metrics to operators', async () => {
    const response = await fetch(`${stack.apiUrl}/metrics`, {
      headers: { authorization: `Bearer ${stack.keys.operator}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toContain('# TYPE onething_tasks_escalated_total counter');
    expect(text).toMatch(/onething_tasks_open\{department="police",queue="department",status="open"\} \d+/);
    expect((await as('policeClerk', 'GET', '/metrics')).status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import type { ApplicationView } from '../../schemas/api.js';
import type { StepDefinition } from '../../schemas/bundle.js';
import { callBudgetMs } from '../../workflows/call-budget.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

interface Reason {
  code: string;
  message: string;
  stepId: string;
  since: string;
}
interface OpsList {
  applications: Array<{ id: string; status: string; since: string; reasons: Reason[] }>;
  nextCursor: string | null;
}

let stack: TestStack;
let completedId: string;
const retryingIds: string[] = [];

const police = (v: ApplicationView) => v.steps.find((s) => s.id === 'householdRegistration');

const list = (query: string, as: 'operator' | 'admin' | 'portal' = 'operator') =>
  stack.request<OpsList>('GET', `/v1/ops/applications?${query}`, undefined, {}, as);

beforeAll(async () => {
  stack = await startTestStack();
  const done = await stack.submit(newbornRequest());
  completedId = (await stack.waitForApplication(done.body.id, ended)).id;
  // Police answers 503 from now on: the household registration is retried, again and again.
  await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 1000 });
  for (let i = 0; i < 2; i++) retryingIds.push((await stack.submit(newbornRequest())).body.id);
  for (const id of retryingIds) await stack.waitForApplication(id, (v) => (police(v)?.attempts ?? 0) >= 3);
});
afterAll(async () => {
  await stack?.simulator.setBehaviour('police', 'birth-registration', {}).catch(() => undefined);
  await stack?.close();
});

describe('finding stuck applications', () => {
  it('lists a retrying police step with why and since when, not a completed application', async () => {
    const found = await list('stuck=retrying&attemptsAtLeast=2');
    expect(found.status).toBe(200);
    const ids = found.body.applications.map((a) => a.id);
    expect(ids).toEqual(expect.arrayContaining(retryingIds));
    expect(ids).not.toContain(completedId);
    const row = found.body.applications.find((a) => a.id === retryingIds[0]);
    expect(row?.status).toBe('running');
    expect(row?.reasons).toEqual([
      {
        code: 'retrying',
        stepId: 'householdRegistration',
        since: expect.any(String),
        message: expect.stringMatching(
          /police call has been retried for .*attempts so far; last error: .*503/,
        ),
      },
    ]);
    expect(row?.since).toBe(row?.reasons[0]?.since);
    // Ordered by the oldest reason.
    const since = found.body.applications.map((a) => a.since);
    expect([...since].sort()).toEqual(since);

    // Thresholds narrow: nobody has made a million attempts or retried for a day.
    expect((await list('stuck=retrying&attemptsAtLeast=1000000')).body.applications).toEqual([]);
    expect((await list('stuck=retrying&retryingLongerThan=1d')).body.applications).toEqual([]);
    expect((await list('stuck=retrying&department=health')).body.applications).toEqual([]);
    expect((await list('stuck=retrying&bundle=no-such-bundle')).body.applications).toEqual([]);
    expect((await list('stuck=retrying&status=completed')).body.applications).toEqual([]);
  });

  it('pages by cursor without repeating or losing a row', async () => {
    const first = await list('stuck=retrying,overdue&limit=1');
    expect(first.body.applications).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const rest = await list(`stuck=retrying&stuck=overdue&limit=100&cursor=${first.body.nextCursor}`);
    const ids = [...first.body.applications, ...rest.body.applications].map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(retryingIds));
    expect(rest.body.nextCursor).toBeNull();
  });

  it('lists a step past its due time', async () => {
    const id = retryingIds[1] as string;
    await stack.pool.query(
      `UPDATE application_steps SET due_at = now() - interval '2 hours'
       WHERE application_id = $1 AND step_id = 'householdRegistration'`,
      [id],
    );
    const found = await list('stuck=overdue');
    const row = found.body.applications.find((a) => a.id === id);
    expect(row?.reasons).toEqual([
      {
        code: 'overdue',
        stepId: 'householdRegistration',
        since: expect.any(String),
        message: expect.stringMatching(/is 2h past its due time and still running/),
      },
    ]);
    expect(found.body.applications.map((a) => a.id)).not.toContain(retryingIds[0]);
  });

  it('refuses bad parameters and other roles', async () => {
    expect((await list('stuck=lost')).status).toBe(400);
    expect((await list('retryingLongerThan=ten')).status).toBe(400);
    expect((await list('limit=101')).status).toBe(400);
    expect((await list('cursor=nonsense')).status).toBe(400);
    expect((await list('', 'portal')).status).toBe(403);
    // An admin manages keys; operating applications is not theirs.
    expect((await list('', 'admin')).status).toBe(403);
    const detail = await stack.request('GET', `/v1/ops/applications/${completedId}`, undefined, {}, 'portal');
    expect(detail.status).toBe(403);
    expect((await stack.request('GET', '/v1/ops/audit', undefined, {}, 'portal')).status).toBe(403);
  });
});

describe('looking into one application', () => {
  it('shows the pending police call, the timeline and the Temporal UI link; the read is logged', async () => {
    const id = retryingIds[0] as string;
    const seen = await stack.request<{
      application: ApplicationView;
      timeline: Array<{ seq: number; at: string; stepId: string | null; status: string }>;
      reasons: Reason[];
      pendingCalls: Array<{
        stepId: string;
        attempt: number;
        lastFailure: string | null;
        givesUpAt: string | null;
      }> | null;
      pendingCallsNote: string | null;
      stepInputs: Record<string, Record<string, unknown>> | null;
      workflow: { workflowId: string; temporalUiUrl: string };
    }>('GET', `/v1/ops/applications/${id}`, undefined, {}, 'operator');
    expect(seen.status).toBe(200);
    // What each department received, from the workflow's own input, masked: the hospital got the
    // mother's ID number, the vaccination office did not.
    expect(seen.body.stepInputs?.birthCertificate?.motherIdNumber).toBe('330106********0027');
    expect(seen.body.stepInputs?.householdRegistration).toHaveProperty('certificateNumber');
    expect(JSON.stringify(seen.body.stepInputs)).not.toContain('330106199203150027');
    expect(seen.body.stepInputs?.vaccination).not.toHaveProperty('motherIdNumber');
    expect(seen.body.application.id).toBe(id);
    expect(police(seen.body.application)).toMatchObject({
      status: 'running',
      error: { code: 'DepartmentUnavailable' },
    });
    // The health step's outputs are shown masked.
    const birth = seen.body.application.steps.find((s) => s.id === 'birthCertificate');
    expect(birth?.status).toBe('completed');
    expect(seen.body.timeline.length).toBeGreaterThan(2);
    expect(seen.body.timeline.map((e) => e.seq)).toEqual(
      [...seen.body.timeline.map((e) => e.seq)].sort((a, b) => a - b),
    );
    expect(seen.body.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ stepId: 'householdRegistration', status: 'running' }),
      ]),
    );
    expect(seen.body.reasons.map((r) => r.code)).toContain('retrying');
    expect(seen.body.pendingCallsNote).toBeNull();
    const call = seen.body.pendingCalls?.find((c) => c.stepId === 'householdRegistration');
    expect(call?.attempt).toBeGreaterThanOrEqual(2);
    expect(call?.lastFailure).toMatch(/503/);
    // The call gives up when its budget is spent: one day per promised working day of the step.
    const budget = callBudgetMs(
      newborn.steps.find((s) => s.id === 'householdRegistration') as StepDefinition,
    );
    const givesUpIn = Date.parse(call?.givesUpAt ?? '') - Date.now();
    expect(givesUpIn).toBeGreaterThan(budget - 10 * 60_000);
    expect(givesUpIn).toBeLessThanOrEqual(budget);
    expect(seen.body.workflow).toEqual({
      workflowId: `application-${id}`,
      temporalUiUrl: `http://127.0.0.1:8233/namespaces/default/workflows/application-${id}`,
    });

    const log = await stack.request<{
      entries: Array<{ actorType: string; actor: string; purpose: string; fields: string[] }>;
    }>('GET', `/v1/applications/${id}/access-log`, undefined, {}, 'portal');
    expect(log.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actorType: 'operator',
          purpose: 'GET /v1/ops/applications/:id',
          actor: expect.stringContaining('operator'),
        }),
        expect.objectContaining({
          actorType: 'operator',
          fields: expect.arrayContaining(['birthCertificate.input.motherIdNumber']),
        }),
      ]),
    );
  });

  it('answers with pendingCalls null and a note when Temporal no longer has the workflow', async () => {
    await stack.client.workflow.getHandle(`application-${completedId}`).describe();
    const seen = await stack.request<{ pendingCalls: unknown[] | null; pendingCallsNote: string | null }>(
      'GET',
      `/v1/ops/applications/${completedId}`,
      undefined,
      {},
      'operator',
    );
    expect(seen.status).toBe(200);
    // A completed workflow still exists (retention): nothing pending.
    expect(seen.body.pendingCalls).toEqual([]);
    const orphan = await stack.pool.query<{ id: string }>(
      `INSERT INTO applications (id, bundle_id, bundle_version, client_id, idempotency_key, request_hash, status)
       VALUES (gen_random_uuid(), 'newborn', 1, 'test-portal', gen_random_uuid()::text, 'x', 'running') RETURNING id`,
    );
    const gone = await stack.request<{ pendingCalls: unknown[] | null; pendingCallsNote: string | null }>(
      'GET',
      `/v1/ops/applications/${orphan.rows[0]?.id}`,
      undefined,
      {},
      'operator',
    );
    expect(gone.status).toBe(200);
    expect(gone.body.pendingCalls).toBeNull();
    expect(gone.body.pendingCallsNote).toMatch(/no longer has this workflow/);
  });
});

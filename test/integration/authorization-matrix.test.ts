import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../support/stack.js';
import type { TestRole, TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** Who calls: no credentials, or a key of each kind of role. */
const callers = [
  'none',
  'portal',
  'operator',
  'policeOperator',
  'admin',
  'policeClerk',
  'policeDepartment',
] as const;
type Caller = (typeof callers)[number];

/**
 * One route: the callers it serves (any answer but 401 and 403: a 404 for the made-up ids is
 * served), those it refuses as outside their key's scope (403 OUT_OF_SCOPE), and a body that
 * passes validation where a refusal must come from the handler. Everyone else is refused: 401
 * without credentials, 403 FORBIDDEN with a key of another role. `everyone` is one answer all
 * callers get (a route that checks its own credentials: a signature, a key in the body).
 */
interface Entry {
  serves: readonly Caller[];
  outOfScope?: readonly Caller[];
  body?: unknown;
  /** The path to call, when the made-up ids will not do. */
  path?: string;
  everyone?: number;
  /** What the callers it serves get, when the route checks something more (a session cookie). */
  servedWith?: number;
  /** Headers to send, e.g. to have an endless stream answer at once. */
  headers?: Record<string, string>;
}

const operators = ['operator', 'policeOperator'] as const;
const reason = { reason: 'authorization matrix' };

/** Every route of the API; a route missing here fails the test. */
const table: Record<string, Entry> = {
  'GET /health/live': { serves: callers },
  'GET /health': { serves: callers },
  'GET /health/ready': { serves: callers },
  'GET /v1/bundles': { serves: callers },
  'GET /v1/bundles/:id': { serves: callers, path: '/v1/bundles/newborn' },
  'GET /console': { serves: callers },
  'GET /console/*': { serves: callers, path: '/console/app.js' },
  'OPTIONS /codec/:operation': { serves: callers, path: '/codec/decode' },
  'POST /v1/departments/:department/callbacks': { serves: callers, everyone: 401, body: {} },
  'POST /v1/console/session': { serves: callers, everyone: 401, body: { apiKey: 'ot_not-a-key' } },
  // Admitted by role, then answered 401 for want of the session cookie these routes read.
  'GET /v1/console/session': { serves: [...operators, 'admin', 'policeClerk'], servedWith: 401 },
  'DELETE /v1/console/session': { serves: [...operators, 'admin', 'policeClerk'], servedWith: 401 },
  // People sign in through an OpenID provider, which this stack has none of.
  'GET /v1/console/oidc/sign-in': { serves: callers, everyone: 404 },
  'GET /v1/console/oidc/callback': { serves: callers, everyone: 404 },

  'POST /v1/applications': { serves: ['portal'] },
  'GET /v1/applications': { serves: ['portal'] },
  // A bad Last-Event-ID: the portal is served a 400 instead of a stream that never ends.
  'GET /v1/events': { serves: ['portal'], headers: { 'last-event-id': 'not-a-position' } },
  'GET /v1/applications/:id': { serves: ['portal', ...operators] },
  'GET /v1/applications/:id/events': { serves: ['portal', ...operators] },
  'GET /v1/applications/:id/access-log': { serves: ['portal', ...operators] },
  'POST /v1/applications/:id/withdraw': { serves: ['portal'] },
  'POST /v1/applications/:id/supplements': { serves: ['portal'] },
  'POST /v1/materials': { serves: ['portal'] },
  // The signed link is the credential: made-up signatures are refused alike for everyone.
  'GET /v1/materials/:id/content': {
    serves: callers,
    everyone: 403,
    path: `/v1/materials/mat_${'0'.repeat(32)}/content?application=${randomUUID()}&department=police&step=x&expires=9999999999&kid=k&signature=AAAA`,
  },
  'POST /v1/applications/:id/rating': { serves: ['portal'], body: { overall: { stars: 5 } } },
  'POST /v1/webhooks': { serves: ['portal'] },
  'GET /v1/webhooks': { serves: ['portal'] },
  'DELETE /v1/webhooks/:id': { serves: ['portal'] },
  'GET /v1/webhooks/:id/failed-deliveries': { serves: ['portal'] },
  'POST /v1/webhooks/:id/failed-deliveries/replay': { serves: ['portal'], body: { all: true } },

  'GET /v1/tasks': { serves: ['policeClerk', ...operators] },
  'GET /v1/tasks/:id': { serves: ['policeClerk', ...operators] },
  // A bad Last-Event-ID: those it serves get a 400 instead of a stream that never ends.
  'GET /v1/tasks/events': {
    serves: ['policeClerk', ...operators],
    headers: { 'last-event-id': 'not-a-position' },
  },
  'POST /v1/tasks/:id/claim': { serves: ['policeClerk'] },
  'POST /v1/tasks/:id/release': { serves: ['policeClerk'] },
  'POST /v1/tasks/:id/complete': { serves: ['policeClerk'] },
  'POST /v1/tasks/:id/reply': { serves: ['policeClerk'], body: { reply: 'authorization matrix' } },

  'GET /v1/ops/applications': { serves: operators },
  'GET /v1/ops/applications/:id': { serves: operators },
  'POST /v1/ops/applications/:id/steps/:stepId/retry': { serves: operators },
  'POST /v1/ops/applications/:id/steps/:stepId/resend': { serves: operators },
  'POST /v1/ops/applications/:id/steps/:stepId/skip': { serves: operators },
  'POST /v1/ops/applications/:id/withdraw': {
    serves: ['operator'],
    outOfScope: ['policeOperator'],
    body: reason,
  },
  'POST /v1/ops/tasks/:taskId/escalate': { serves: operators },
  'POST /v1/ops/tasks/:taskId/reassign': { serves: operators },
  'POST /v1/ops/bulk-actions': {
    serves: ['operator'],
    outOfScope: ['policeOperator'],
    body: { action: 'retry', ...reason, filter: {} },
  },
  'GET /v1/ops/bulk-actions': { serves: operators },
  'GET /v1/ops/bulk-actions/:id': { serves: operators },
  'POST /v1/ops/bulk-actions/:id/cancel': { serves: operators },
  'GET /v1/ops/departments': { serves: operators },
  'GET /v1/ops/ratings': { serves: operators },
  'POST /v1/ops/departments/:department/pause': {
    serves: ['operator'],
    outOfScope: ['policeOperator'],
    body: reason,
  },
  'POST /v1/ops/departments/:department/resume': {
    serves: ['operator'],
    outOfScope: ['policeOperator'],
    body: reason,
  },
  'POST /v1/ops/reconcile': { serves: ['operator'], outOfScope: ['policeOperator'], body: { dryRun: true } },
  'POST /codec/decode': { serves: ['operator'], outOfScope: ['policeOperator'], body: { payloads: [] } },
  'POST /codec/encode': { serves: ['operator'], outOfScope: ['policeOperator'], body: { payloads: [] } },
  'GET /v1/ops/audit': { serves: ['operator', 'admin'], outOfScope: ['policeOperator'] },
  'GET /metrics': { serves: [...operators, 'admin'] },

  'POST /v1/admin/keys': { serves: ['admin'], body: { name: 'matrix', role: 'portal:matrix' } },
  'GET /v1/admin/keys': { serves: ['admin'] },
  'DELETE /v1/admin/keys/:id': { serves: ['admin'] },
  'POST /v1/admin/keys/:id/rotate': { serves: ['admin'], body: {} },
  'GET /v1/departments/:id/cases': { serves: ['policeDepartment'], path: '/v1/departments/police/cases' },
};

/** A concrete path: made-up ids, and a department no key is scoped to. */
function pathOf(url: string): string {
  return url
    .replace(':department', 'nowhere')
    .replace(':stepId', 'someStep')
    .replace(':operation', 'decode')
    .replace(/:(id|taskId)/g, () => randomUUID());
}

/** Calls as `caller`; the body is read as JSON only when it is (metrics and the console are not). */
async function call(
  method: string,
  path: string,
  caller: Caller,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const key = caller === 'none' ? undefined : stack.keys[caller satisfies TestRole];
  const sent = body ?? (method === 'POST' ? {} : undefined);
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(sent === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(sent === undefined ? {} : { body: JSON.stringify(sent) }),
  });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, body: (json && text ? JSON.parse(text) : {}) as { code?: string } };
}

describe('every route × every role', () => {
  it('has an entry in the table for each route the API serves, and none for a route it does not', () => {
    const served = stack.routeAccess
      .filter((r) => r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`)
      .sort();
    expect(served).toEqual(Object.keys(table).sort());
  });

  it.each(Object.entries(table))('%s', async (route, entry) => {
    const [method = '', url = ''] = route.split(' ');
    for (const caller of callers) {
      const answer = await call(method, entry.path ?? pathOf(url), caller, entry.body, entry.headers);
      const seen = `${route} as ${caller}: ${answer.status} ${JSON.stringify(answer.body)}`;
      if (entry.everyone !== undefined) expect(answer.status, seen).toBe(entry.everyone);
      else if (entry.outOfScope?.includes(caller)) {
        expect([answer.status, answer.body?.code], seen).toEqual([403, 'OUT_OF_SCOPE']);
      } else if (entry.serves.includes(caller)) {
        if (entry.servedWith !== undefined) expect(answer.status, seen).toBe(entry.servedWith);
        else expect([401, 403], seen).not.toContain(answer.status);
      } else if (caller === 'none') expect(answer.status, seen).toBe(401);
      else expect([answer.status, answer.body?.code], seen).toEqual([403, 'FORBIDDEN']);
    }
  });
});

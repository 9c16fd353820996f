import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningDevProvider } from '../../identity/dev-provider.js';
import type { Problem } from '../../schemas/api.js';
import { newbornRequest } from '../support/newborn.js';
import { OidcBrowser } from '../support/oidc-browser.js';
import type { TestStack } from '../support/stack.js';
import { startStackWithPeople } from '../support/oidc-stack.js';

// People sign in through a real OpenID provider (oidc-provider, certified) started here; the
// deployment's clerks decide birth certificates in the work list.
let stack: TestStack;
let provider: RunningDevProvider;
beforeAll(async () => {
  ({ stack, provider } = await startStackWithPeople(
    [
      { login: 'wang.fang', name: '王芳 Wang Fang', role: 'operator' },
      { login: 'he.ping', name: '何平 He Ping', role: 'clerk', department: 'health' },
      { login: 'chen.jing', name: '陈静 Chen Jing', role: 'clerk', department: 'police' },
      { login: 'visitor', name: '访客 Visitor' },
      { login: 'lost.clerk', name: '无部门 No Department', role: 'clerk' },
    ],
    {
      stepDeciders: new Map([['newborn.birthCertificate', 'worklist']]),
    },
  ));
}, 120_000);
afterAll(async () => {
  await stack?.close();
  await provider?.close();
});

/** A browser signed in as `login`, with the session's CSRF token. */
async function signedIn(login: string) {
  const browser = new OidcBrowser();
  const { response } = await browser.signIn(`${stack.apiUrl}/v1/console/oidc/sign-in`, login);
  expect(response.status).toBe(200);
  const session = await browser.request(`${stack.apiUrl}/v1/console/session`);
  expect(session.status).toBe(200);
  const view = (await session.json()) as { csrfToken: string; name: string; role: string };
  return { browser, ...view };
}

const auditOf = async (action: string) =>
  (
    await stack.pool.query<{ actor_key: string; actor_name: string; role: string; result: string }>(
      'SELECT actor_key, actor_name, role, result FROM audit_log WHERE action = $1 ORDER BY at, id',
      [action],
    )
  ).rows;

describe('people sign in through the OpenID provider', () => {
  it('opens a console session naming the person, with the role their claims grant', async () => {
    const browser = new OidcBrowser();
    const { response, visited } = await browser.signIn(
      `${stack.apiUrl}/v1/console/oidc/sign-in`,
      'wang.fang',
    );
    // Through the provider and back: authorization code with PKCE.
    const authorize = new URL(visited.find((u) => u.startsWith(`${provider.issuer}/auth`)) ?? '');
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(visited.at(-1)).toMatch(new RegExp(`^${stack.apiUrl}/v1/console/oidc/callback\\?code=`));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('content="0;url=/console/"');
    expect(browser.cookie('onething_session')).toBeDefined();

    const session = await browser.request(`${stack.apiUrl}/v1/console/session`);
    expect(await session.json()).toMatchObject({ name: '王芳 Wang Fang', role: 'operator' });
    // The operator's session reads what an operator's key reads.
    const listed = await browser.request(`${stack.apiUrl}/v1/ops/applications`);
    expect(listed.status).toBe(200);
    expect(await auditOf('console.sign-in')).toContainEqual({
      actor_key: 'person:wang.fang',
      actor_name: '王芳 Wang Fang',
      role: 'operator',
      result: 'ok',
    });
  });

  it('refuses a person whose claims grant no role, and a clerk without a department', async () => {
    for (const [login, name] of [
      ['visitor', '访客 Visitor'],
      ['lost.clerk', '无部门 No Department'],
    ] as const) {
      const browser = new OidcBrowser();
      const { response } = await browser.signIn(`${stack.apiUrl}/v1/console/oidc/sign-in`, login);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(((await response.json()) as Problem).code).toBe('SIGN_IN_NO_ROLE');
      expect(browser.cookie('onething_session')).toBeUndefined();
      expect(await auditOf('console.sign-in')).toContainEqual({
        actor_key: `person:${login}`,
        actor_name: name,
        role: 'none',
        result: 'SIGN_IN_NO_ROLE',
      });
    }
  });

  it('refuses a callback no sign-in of this browser waits for, and one used twice', async () => {
    const stranger = new OidcBrowser();
    const forged = await stranger.request(`${stack.apiUrl}/v1/console/oidc/callback?code=x&state=y`);
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as Problem).code).toBe('SIGN_IN_EXPIRED');

    // A callback replayed after it opened a session finds nothing left to finish.
    const browser = new OidcBrowser();
    const { visited } = await browser.signIn(`${stack.apiUrl}/v1/console/oidc/sign-in`, 'wang.fang');
    const callback = visited.at(-1) ?? '';
    expect(callback).toContain('/v1/console/oidc/callback?code=');
    const replayed = await browser.request(callback);
    expect(replayed.status).toBe(400);
    expect(((await replayed.json()) as Problem).code).toBe('SIGN_IN_EXPIRED');
  });

  it('ends the session when it expires and when the person signs out', async () => {
    const expiring = await signedIn('wang.fang');
    await stack.pool.query(
      "UPDATE console_sessions SET expires_at = now() - interval '1 second', created_at = now() - interval '9 hours' WHERE person_subject = 'wang.fang' AND revoked_at IS NULL AND expires_at > now()",
    );
    const expired = await expiring.browser.request(`${stack.apiUrl}/v1/console/session`);
    expect(expired.status).toBe(401);

    const leaving = await signedIn('wang.fang');
    const signOut = await leaving.browser.request(`${stack.apiUrl}/v1/console/session`, {
      method: 'DELETE',
      headers: { 'x-csrf-token': leaving.csrfToken },
    });
    expect(signOut.status).toBe(204);
    // The browser dropped the cookie; a copy of it kept elsewhere is refused as well.
    expect(leaving.browser.cookie('onething_session')).toBeUndefined();
    expect(await auditOf('console.sign-out')).toContainEqual(
      expect.objectContaining({ actor_key: 'person:wang.fang', actor_name: '王芳 Wang Fang' }),
    );
  });

  it("keeps a clerk to their department's tasks, and names the person who opened a case in the access log", async () => {
    const submitted = await stack.submit(newbornRequest());
    const task = await stack.waitForOpenTask(submitted.body.id, 'healthClerk');

    const police = await signedIn('chen.jing');
    expect(police.role).toBe('clerk:police');
    const foreignList = await police.browser.request(`${stack.apiUrl}/v1/tasks?department=health`);
    expect(foreignList.status).toBe(403);
    const ownList = (await (await police.browser.request(`${stack.apiUrl}/v1/tasks`)).json()) as {
      tasks: Array<{ id: string }>;
    };
    expect(ownList.tasks.map((t) => t.id)).not.toContain(task.id);
    const foreignTask = await police.browser.request(`${stack.apiUrl}/v1/tasks/${task.id}`);
    expect([403, 404]).toContain(foreignTask.status);

    const health = await signedIn('he.ping');
    const opened = await health.browser.request(`${stack.apiUrl}/v1/tasks/${task.id}`);
    expect(opened.status).toBe(200);
    const log = await stack.request<{ entries: Array<{ actorType: string; actor: string; stepId: string }> }>(
      'GET',
      `/v1/applications/${submitted.body.id}/access-log`,
    );
    const reads = log.body.entries.filter((e) => e.actorType === 'clerk');
    expect(reads.map((e) => e.actor)).toContainEqual(expect.stringContaining('何平 He Ping'));
    expect(reads.map((e) => e.actor)).toContainEqual(expect.stringContaining('person:he.ping'));
    // The police clerk's refused look left no read behind.
    expect(reads.map((e) => e.actor).join('\n')).not.toContain('陈静');
  });
});

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/app.js';
import { businessStartup } from '../../bundles/business-startup.js';
import { signRequest } from '../../departments/signing.js';
import type { SigningKey } from '../../departments/signing.js';
import type { ApplicationView } from '../../schemas/api.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { recordFaultResult } from './results.js';

// R7, a flood of forged callbacks: 300 at once, for a case that really waits for the police's
// decision, signed with a wrong secret, another department's key or none, stale, to a department
// that does not exist, or malformed. None may be taken into account (nor leave a trace the real
// callback would then be taken for a repeat of), none is a 500, and the real callback still works.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
/** What a refused callback may be answered with: a refusal of the request, or the rate limiter's 429. */
const clearRefusals = new Set([400, 401, 404, 409, 429]);

interface Answer {
  status: number;
  contentType: string;
  code: string | undefined;
}

/** POSTs `body` (JSON, or text sent as it is) to `department`'s callback route of the API at `apiUrl`. */
async function postCallback(
  apiUrl: string,
  department: string,
  body: string,
  sign: { key: SigningKey; at?: Date } | undefined,
): Promise<Answer> {
  const path = `/v1/departments/${department}/callbacks`;
  const headers = sign ? signRequest(sign.key, { method: 'POST', path, body }, sign.at) : {};
  const response = await fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const answer = (await response.json()) as { code?: string };
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    code: answer.code,
  };
}

/** The 300 forgeries of `decision`, six kinds in turn; `apiUrl` is where they are sent. */
function forgeries(apiUrl: string, decision: Record<string, unknown>): Array<Promise<Answer>> {
  const text = JSON.stringify(decision);
  const policeKey = stack.callbackKeyOf('police');
  const kinds = [
    () => postCallback(apiUrl, 'police', text, { key: { ...policeKey, secret: randomUUID() } }),
    () => postCallback(apiUrl, 'police', text, { key: stack.callbackKeyOf('cdc') }),
    () => postCallback(apiUrl, 'police', text, { key: policeKey, at: new Date(Date.now() - 10 * 60_000) }),
    () => postCallback(apiUrl, 'police', text, undefined),
    () => postCallback(apiUrl, 'no-such-department', text, { key: policeKey }),
    () => postCallback(apiUrl, 'police', `${text.slice(0, -1)},"outcome":`, { key: policeKey }),
  ];
  return Array.from({ length: 300 }, (_, i) => (kinds[i % kinds.length] as () => Promise<Answer>)());
}

const countBy = (answers: Answer[]) => {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[`status${a.status}`] = (counts[`status${a.status}`] ?? 0) + 1;
  return counts;
};
const allClear = (answers: Answer[]) =>
  answers.every((a) => clearRefusals.has(a.status) && a.contentType.startsWith('application/problem+json'));

describe('R7: a flood of forged callbacks', () => {
  it('refuses 300 forged callbacks at once, records none, and takes the real one afterwards', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', {
      decision: 'callback',
      // The police "decide" in ten minutes: the test sends their real callback itself, later.
      decisionDelayMs: 600_000,
    });
    const submitted = await stack.submit(newbornRequest());
    const bystanders = await Promise.all([1, 2, 3].map(() => stack.submit(businessStartup.example)));
    const waiting = await stack.waitForApplication(submitted.body.id, (v) => police(v)?.status === 'waiting');
    const decision = {
      // The forgeries carry the real callback's id: had one been remembered, the real one would be
      // answered as a repeat and its decision lost.
      callbackId: randomUUID(),
      idempotencyKey: `${waiting.id}:householdRegistration`,
      receiptNumber: police(waiting)?.receiptNumber ?? '',
      outcome: 'rejected',
      reasonCode: 'PARENT_NOT_REGISTERED',
      reason: '父母户籍不在本辖区 / the parent is not registered here',
    };

    const started = Date.now();
    const answers = await Promise.all(forgeries(stack.apiUrl, decision));
    const floodMs = Date.now() - started;

    const { rows } = await stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM department_callbacks');
    const history = await stack.client.workflow.getHandle(applicationWorkflowId(waiting.id)).fetchHistory();
    const updates = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    const stillWaiting = police(await stack.getApplication(waiting.id))?.status === 'waiting';

    const real = await postCallback(stack.apiUrl, 'police', JSON.stringify(decision), {
      key: stack.callbackKeyOf('police'),
    });
    const done = await stack.waitForApplication(waiting.id, ended);
    const others = await Promise.all(bystanders.map((b) => stack.waitForApplication(b.body.id, ended)));

    const invariants = {
      allRefusedClearly: allClear(answers),
      no500: answers.every((a) => a.status < 500),
      nothingRecorded: rows[0]?.n === '0' && updates.length === 0 && stillWaiting,
      realCallbackTaken: real.status === 200 && done.status === 'rejected',
      othersCompleted: others.every((o) => o.status === 'completed'),
    };
    await recordFaultResult({
      id: 'R7',
      scenario: '300 forged callbacks at once for a waiting case, then the real one',
      figures: { forged: answers.length, floodMs, ...countBy(answers), otherApplications: others.length },
      invariants,
    });
    expect(new Set(answers.map((a) => a.code))).toEqual(
      new Set(['CALLBACK_SIGNATURE_INVALID', 'CALLBACK_STALE', 'MALFORMED_JSON']),
    );
    expect(police(done)).toMatchObject({
      status: 'rejected',
      error: { reasonCode: 'PARENT_NOT_REGISTERED' },
    });
    expect(invariants).toEqual({
      allRefusedClearly: true,
      no500: true,
      nothingRecorded: true,
      realCallbackTaken: true,
      othersCompleted: true,
    });
  });

  it('answers a flood past the rate limit with 429 problems, never a 500', async () => {
    // The production API limits unauthenticated callers per address (here to 60 a minute).
    const app = await buildApp(stack.apiDeps, { rateLimitPerMinute: 60, authCacheTtlMs: 0 });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const apiUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const decision = {
        callbackId: randomUUID(),
        idempotencyKey: `${randomUUID()}:householdRegistration`,
        receiptNumber: 'RCPT-FORGED',
        outcome: 'completed',
        outputs: {},
      };
      const answers = await Promise.all(forgeries(apiUrl, decision));
      const limited = answers.filter((a) => a.status === 429).length;

      const invariants = { allRefusedClearly: allClear(answers), rateLimited: limited >= 300 - 60 - 50 };
      await recordFaultResult({
        id: 'R7',
        scenario: '300 forged callbacks at once against the rate limit (60 a minute per address)',
        figures: { forged: answers.length, ...countBy(answers) },
        invariants,
      });
      expect(invariants).toEqual({ allRefusedClearly: true, rateLimited: true });
    } finally {
      await app.close();
    }
  });
});

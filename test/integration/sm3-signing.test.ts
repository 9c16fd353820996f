/**
 * A department on Chinese commercial cryptography (国密): configured for HMAC-SM3, it is called
 * with HMAC-SM3 signatures, verifies them, and its callbacks are verified with HMAC-SM3, while
 * the other departments of the same application keep HMAC-SHA256.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../departments/signing.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ signatureAlgorithms: { police: 'hmac-sm3' } });
});
afterAll(async () => {
  await stack?.close();
});

describe('HMAC-SM3 signing, per department', () => {
  it('completes a newborn whose police step is called and calls back with HMAC-SM3', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { decision: 'callback' });
    const submitted = await stack.submit(newbornRequest());
    const done = await stack.waitForApplication(submitted.body.id, ended);
    expect(done.status).toBe('completed');

    const police = await stack.simulator.requests({ keyPrefix: `${done.id}:householdRegistration` });
    // The simulator verifies every call with the department's key and algorithm: a call it
    // refused would be recorded with 401.
    expect(police.filter((r) => r.kind === 'submit').map((r) => r.status)).not.toContain(401);
    expect(police.some((r) => r.kind === 'submit' && r.status < 300)).toBe(true);
    const callbacks = police.filter((r) => r.kind === 'callback');
    expect(callbacks.at(-1)?.status).toBe(200);
    expect(callbacks.map((r) => r.status)).not.toContain(401);

    const health = await stack.simulator.requests({ keyPrefix: `${done.id}:birthCertificate` });
    expect(health.filter((r) => r.kind === 'submit').map((r) => r.status)).not.toContain(401);
    await stack.simulator.setBehaviour('police', 'birth-registration', {});
  });

  it("refuses a police callback signed with HMAC-SHA256, even with the police's secret", async () => {
    const key = stack.callbackKeyOf('police');
    expect(key.algorithm).toBe('hmac-sm3');
    const path = '/v1/departments/police/callbacks';
    const body = JSON.stringify({
      callbackId: 'downgrade-1',
      idempotencyKey: '00000000-0000-4000-8000-000000000000:householdRegistration',
      receiptNumber: 'RCPT-1',
      outcome: 'rejected',
      reasonCode: 'X',
      reason: 'forged',
    });
    const send = async (headers: Record<string, string>) => {
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      return { status: response.status, body: (await response.json()) as { code?: string } };
    };
    const downgraded = await send(
      signRequest(
        { keyId: key.keyId, secret: key.secret, algorithm: 'hmac-sha256' },
        { method: 'POST', path, body },
      ),
    );
    expect(downgraded).toMatchObject({ status: 401, body: { code: 'CALLBACK_SIGNATURE_INVALID' } });
    // The same callback signed as the police sign passes the signature and reaches the lookup.
    const genuine = await send(signRequest(key, { method: 'POST', path, body }));
    expect(genuine.status).not.toBe(401);
  });
});

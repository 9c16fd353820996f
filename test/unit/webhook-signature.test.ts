import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../notifications/dispatcher.js';
import { signWebhookBody, verifyWebhookSignature } from '../../notifications/signature.js';

const secret = 'whsec_test-secret';
const body = JSON.stringify({ id: 'a:1', seq: 1, type: 'step.status_changed' });
const t = 1_767_225_600;

describe('webhook signatures', () => {
  it('are t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, computable with any HMAC library', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhookBody(secret, body, t)).toBe(`t=${t},v1=${expected}`);
  });

  it('verify for the same secret, body and a fresh timestamp', () => {
    const header = signWebhookBody(secret, body, t);
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds: t + 60 })).toBe(true);
  });

  it('do not verify for another secret, an altered body or a missing header', () => {
    const header = signWebhookBody(secret, body, t);
    const at = { nowSeconds: t };
    expect(verifyWebhookSignature('whsec_other', body, header, at)).toBe(false);
    expect(verifyWebhookSignature(secret, body.replace('a:1', 'a:2'), header, at)).toBe(false);
    expect(verifyWebhookSignature(secret, body, undefined, at)).toBe(false);
    expect(verifyWebhookSignature(secret, body, 'v1=abc', at)).toBe(false);
  });

  it('do not verify with the timestamp changed, nor outside the tolerance (replays)', () => {
    const header = signWebhookBody(secret, body, t);
    expect(
      verifyWebhookSignature(secret, body, header.replace(`t=${t}`, `t=${t + 1}`), { nowSeconds: t }),
    ).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds: t + 301 })).toBe(false);
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds: t + 10, toleranceSeconds: 5 })).toBe(
      false,
    );
  });

  it('verify when any of several v1 values matches (a receiver rotating secrets)', () => {
    const v1 = signWebhookBody(secret, body, t).split(',v1=')[1];
    const header = `t=${t},v1=${'0'.repeat(64)},v1=${v1}`;
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds: t })).toBe(true);
  });
});

describe('delivery backoff', () => {
  it('doubles from the base after each failure, up to the maximum', () => {
    const backoff = { baseMs: 1000, maxMs: 10 * 60_000 };
    expect([1, 2, 3, 4].map((attempts) => backoffDelay(attempts, backoff))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(30, backoff)).toBe(10 * 60_000);
  });
});

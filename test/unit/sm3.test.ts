/**
 * HMAC-SM3 (国密) as the signing uses it, checked against the published SM3 vectors and the
 * HMAC construction itself, so a platform whose SM3 were wrong or missing fails here first.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signatureHeaders, signRequest, verifyRequest } from '../../departments/signing.js';

/** RFC 2104 HMAC over SM3 (64-byte blocks), built from the hash alone. */
function hmacSm3ByConstruction(key: Buffer, message: Buffer): string {
  const block = 64;
  const shortKey = key.length > block ? createHash('sm3').update(key).digest() : key;
  const padded = Buffer.concat([shortKey, Buffer.alloc(block - shortKey.length)]);
  const xor = (pad: number) => Buffer.from(padded.map((byte) => byte ^ pad));
  const inner = createHash('sm3').update(xor(0x36)).update(message).digest();
  return createHash('sm3').update(xor(0x5c)).update(inner).digest('hex');
}

describe('SM3 and HMAC-SM3', () => {
  it('matches the examples of GB/T 32905-2016 (SM3)', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    );
    expect(createHash('sm3').update('abcd'.repeat(16)).digest('hex')).toBe(
      'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732',
    );
  });

  it.each([
    ['a short key', Buffer.from('onething-test-key'), Buffer.from('POST\n/path\n1700000000\nabc')],
    ['a key longer than a block', Buffer.alloc(100, 7), Buffer.from('')],
    ['a block-sized key', Buffer.alloc(64, 0xa5), Buffer.from('abcd'.repeat(16))],
  ])('computes HMAC-SM3 as RFC 2104 defines it, with %s', (_, key, message) => {
    expect(createHmac('sm3', key).update(message).digest('hex')).toBe(hmacSm3ByConstruction(key, message));
  });

  it('signs the canonical request with the body’s SM3 digest and labels it v1-sm3', () => {
    const key = { keyId: 'k1', secret: 'a-secret-of-at-least-16', algorithm: 'hmac-sm3' as const };
    const request = { method: 'POST', path: '/services/birth-registration', body: '{"a":1}' };
    const now = new Date(1_700_000_000_000);
    const headers = signRequest(key, request, now);
    const canonical = `POST\n${request.path}\n1700000000\n${createHash('sm3').update(request.body).digest('hex')}`;
    expect(headers[signatureHeaders.signature]).toBe(
      `v1-sm3=${hmacSm3ByConstruction(Buffer.from(key.secret), Buffer.from(canonical))}`,
    );
    const secrets = new Map([['k1', key.secret]]);
    expect(verifyRequest(secrets, { ...request, headers }, now, 'hmac-sm3')).toEqual({
      ok: true,
      keyId: 'k1',
    });
  });

  it('refuses a signature of the other algorithm, whichever way round', () => {
    const secret = 'a-secret-of-at-least-16';
    const request = { method: 'POST', path: '/p', body: '{}' };
    const now = new Date(1_700_000_000_000);
    const secrets = new Map([['k1', secret]]);
    const sha = signRequest({ keyId: 'k1', secret }, request, now);
    const sm3 = signRequest({ keyId: 'k1', secret, algorithm: 'hmac-sm3' }, request, now);
    expect(verifyRequest(secrets, { ...request, headers: sha }, now, 'hmac-sm3')).toEqual({
      ok: false,
      failure: 'bad-signature',
    });
    expect(verifyRequest(secrets, { ...request, headers: sm3 }, now)).toEqual({
      ok: false,
      failure: 'bad-signature',
    });
    expect(verifyRequest(secrets, { ...request, headers: sha }, now)).toEqual({ ok: true, keyId: 'k1' });
  });
});

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 request signing between Onething and a department, the same both ways: Onething
 * signs its calls to a department, a department signs its callbacks to Onething.
 *
 * Headers: `onething-key-id` (which shared secret), `onething-timestamp` (unix seconds),
 * `onething-signature: v1=<hex HMAC-SHA256(secret, "<method>\n<path>\n<timestamp>\n<sha256 hex of body>")>`.
 */
export const signatureHeaders = {
  keyId: 'onething-key-id',
  timestamp: 'onething-timestamp',
  signature: 'onething-signature',
} as const;

/** How far a signed request's timestamp may be from now: older or newer is refused as replayed or stale. */
export const signatureToleranceSeconds = 300;

export interface SigningKey {
  keyId: string;
  secret: string;
}

function canonical(method: string, path: string, timestamp: string, body: string): string {
  const digest = createHash('sha256').update(body).digest('hex');
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${digest}`;
}

/** The signature headers for one request. */
export function signRequest(
  key: SigningKey,
  request: { method: string; path: string; body: string },
  now: Date = new Date(),
): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const mac = createHmac('sha256', key.secret).update(
    canonical(request.method, request.path, timestamp, request.body),
  );
  return {
    [signatureHeaders.keyId]: key.keyId,
    [signatureHeaders.timestamp]: timestamp,
    [signatureHeaders.signature]: `v1=${mac.digest('hex')}`,
  };
}

export type VerifyFailure = 'missing' | 'unknown-key' | 'stale' | 'bad-signature';

/** Checks a signed request against the secrets a department may use (by key id, so they can rotate). */
export function verifyRequest(
  secrets: ReadonlyMap<string, string>,
  request: {
    method: string;
    path: string;
    body: string;
    headers: Record<string, string | string[] | undefined>;
  },
  now: Date = new Date(),
): { ok: true; keyId: string } | { ok: false; failure: VerifyFailure } {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const keyId = header(signatureHeaders.keyId);
  const timestamp = header(signatureHeaders.timestamp);
  const signature = header(signatureHeaders.signature);
  if (!keyId || !timestamp || !signature) return { ok: false, failure: 'missing' };
  const secret = secrets.get(keyId);
  if (secret === undefined) return { ok: false, failure: 'unknown-key' };
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(now.getTime() / 1000 - seconds) > signatureToleranceSeconds) {
    return { ok: false, failure: 'stale' };
  }
  const expected = `v1=${createHmac('sha256', secret)
    .update(canonical(request.method, request.path, timestamp, request.body))
    .digest('hex')}`;
  const given = Buffer.from(signature);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return { ok: false, failure: 'bad-signature' };
  return { ok: true, keyId };
}

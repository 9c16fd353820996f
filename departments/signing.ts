import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC request signing between Onething and a department, the same both ways: Onething signs its
 * calls to a department, a department signs its callbacks to Onething.
 *
 * Headers: `onething-key-id` (which shared secret), `onething-timestamp` (unix seconds),
 * `onething-signature: v1=<hex HMAC-SHA256(secret, "<method>\n<path>\n<timestamp>\n<sha256 hex of body>")>`.
 *
 * A department whose rules require Chinese commercial cryptography (国密) is configured with
 * `hmac-sm3`: the same canonical string with the body's SM3 digest, HMAC-SM3, labelled `v1-sm3=`.
 * The algorithm is the department's setting, never the request's choice, so a caller cannot
 * downgrade a 国密 department to SHA-256 by sending the other label.
 */
export const signatureHeaders = {
  keyId: 'onething-key-id',
  timestamp: 'onething-timestamp',
  signature: 'onething-signature',
} as const;

/** How far a signed request's timestamp may be from now: older or newer is refused as replayed or stale. */
export const signatureToleranceSeconds = 300;

/** The HMAC a department signs with. */
export const signatureAlgorithms = ['hmac-sha256', 'hmac-sm3'] as const;
export type SignatureAlgorithm = (typeof signatureAlgorithms)[number];

/** Per algorithm: the OpenSSL hash name and the signature header's label. */
const algorithmParts: Record<SignatureAlgorithm, { hash: string; label: string }> = {
  'hmac-sha256': { hash: 'sha256', label: 'v1' },
  'hmac-sm3': { hash: 'sm3', label: 'v1-sm3' },
};

export interface SigningKey {
  keyId: string;
  secret: string;
  /** `hmac-sha256` when absent. */
  algorithm?: SignatureAlgorithm;
}

function canonical(hash: string, method: string, path: string, timestamp: string, body: string): string {
  const digest = createHash(hash).update(body).digest('hex');
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${digest}`;
}

/** The signature header's value for one canonical request. */
function signature(
  algorithm: SignatureAlgorithm,
  secret: string,
  request: { method: string; path: string; body: string },
  timestamp: string,
): string {
  const { hash, label } = algorithmParts[algorithm];
  const mac = createHmac(hash, secret).update(
    canonical(hash, request.method, request.path, timestamp, request.body),
  );
  return `${label}=${mac.digest('hex')}`;
}

/** The signature headers for one request. */
export function signRequest(
  key: SigningKey,
  request: { method: string; path: string; body: string },
  now: Date = new Date(),
): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return {
    [signatureHeaders.keyId]: key.keyId,
    [signatureHeaders.timestamp]: timestamp,
    [signatureHeaders.signature]: signature(key.algorithm ?? 'hmac-sha256', key.secret, request, timestamp),
  };
}

export type VerifyFailure = 'missing' | 'unknown-key' | 'stale' | 'bad-signature';

/**
 * Checks a signed request against the secrets a department may use (by key id, so they can rotate),
 * with the department's algorithm.
 */
export function verifyRequest(
  secrets: ReadonlyMap<string, string>,
  request: {
    method: string;
    path: string;
    body: string;
    headers: Record<string, string | string[] | undefined>;
  },
  now: Date = new Date(),
  algorithm: SignatureAlgorithm = 'hmac-sha256',
): { ok: true; keyId: string } | { ok: false; failure: VerifyFailure } {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const keyId = header(signatureHeaders.keyId);
  const timestamp = header(signatureHeaders.timestamp);
  const signed = header(signatureHeaders.signature);
  if (!keyId || !timestamp || !signed) return { ok: false, failure: 'missing' };
  const secret = secrets.get(keyId);
  if (secret === undefined) return { ok: false, failure: 'unknown-key' };
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(now.getTime() / 1000 - seconds) > signatureToleranceSeconds) {
    return { ok: false, failure: 'stale' };
  }
  const expected = signature(algorithm, secret, request, timestamp);
  const given = Buffer.from(signed);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
    return { ok: false, failure: 'bad-signature' };
  return { ok: true, keyId };
}

import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../temporal/codec.js';

/** What one signed link grants: one material, read for one step of one application by its department. */
export interface LinkClaims {
  materialId: string;
  applicationId: string;
  department: string;
  stepId: string;
  /** Unix seconds after which the link is refused. */
  expires: number;
}

/** The query of a signed link, as the API route receives it. */
export interface LinkQuery {
  application: string;
  department: string;
  step: string;
  expires: string;
  kid: string;
  signature: string;
}

// Derived, not the keyring key itself: the same key never serves both encryption and signing.
const linkKeyOf = (kek: Buffer) =>
  Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'onething-material-links', 32));

const signed = (claims: LinkClaims) =>
  [claims.materialId, claims.applicationId, claims.department, claims.stepId, String(claims.expires)].join(
    '\n',
  );

function mac(kek: Buffer, claims: LinkClaims): Buffer {
  return createHmac('sha256', linkKeyOf(kek)).update(signed(claims)).digest();
}

/** `<base>/v1/materials/<id>/content?…`: HMAC-SHA256 over every claim, under the keyring's current key. */
export function signedMaterialUrl(baseUrl: string, keyring: Keyring, claims: LinkClaims): string {
  const kek = keyring.keys.get(keyring.currentKeyId) as Buffer;
  const query = new URLSearchParams({
    application: claims.applicationId,
    department: claims.department,
    step: claims.stepId,
    expires: String(claims.expires),
    kid: keyring.currentKeyId,
    signature: mac(kek, claims).toString('base64url'),
  });
  return `${baseUrl.replace(/\/+$/, '')}/v1/materials/${claims.materialId}/content?${query.toString()}`;
}

/**
 * The claims of a link if its signature verifies and it has not expired; otherwise why not.
 * The signature is checked first, so an altered expiry reads as `invalid`, not `expired`.
 */
export function verifyMaterialLink(
  keyring: Keyring,
  materialId: string,
  query: LinkQuery,
  nowMs: number = Date.now(),
): { claims: LinkClaims } | { refused: 'invalid' | 'expired' } {
  const kek = keyring.keys.get(query.kid);
  if (!kek || !/^\d{1,12}$/.test(query.expires)) return { refused: 'invalid' };
  const claims: LinkClaims = {
    materialId,
    applicationId: query.application,
    department: query.department,
    stepId: query.step,
    expires: Number(query.expires),
  };
  const given = Buffer.from(query.signature, 'base64url');
  const expected = mac(kek, claims);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: 'invalid' };
  if (claims.expires * 1000 <= nowMs) return { refused: 'expired' };
  return { claims };
}

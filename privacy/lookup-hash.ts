import { createHmac, hkdfSync } from 'node:crypto';
import type { Keyring } from '../temporal/codec.js';

// Derived, not the keyring key itself: the same key never serves both encryption and hashing.
const lookupKeyOf = (kek: Buffer) =>
  Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'onething-applicant-lookup', 32));

/** ID numbers are compared as the schema accepts them: the final check letter in upper case. */
const normalise = (idNumber: string) => idNumber.trim().toUpperCase();

/**
 * The applicant's ID number as a keyed hash (HMAC-SHA256 under a key derived from the keyring's
 * current key), `<key id>:<base64url>`: equal numbers match, and without the keyring the column
 * tells nothing, not even by hashing all 10^17 candidates.
 */
export function applicantHash(keyring: Keyring, idNumber: string): string {
  return hashWith(keyring, keyring.currentKeyId, idNumber);
}

/** The hash of `idNumber` under every key of the keyring: a lookup finds rows hashed before a rotation too. */
export function applicantHashes(keyring: Keyring, idNumber: string): string[] {
  return [...keyring.keys.keys()].map((keyId) => hashWith(keyring, keyId, idNumber));
}

function hashWith(keyring: Keyring, keyId: string, idNumber: string): string {
  const kek = keyring.keys.get(keyId) as Buffer;
  const mac = createHmac('sha256', lookupKeyOf(kek)).update(normalise(idNumber)).digest('base64url');
  return `${keyId}:${mac}`;
}

import { randomBytes } from 'node:crypto';
import { aeadOpen, aeadSeal, KEY_BYTES, PayloadEncryptionError } from '../temporal/codec.js';
import type { Keyring } from '../temporal/codec.js';

const magic = Buffer.from('OTM1', 'ascii');
const keyAad = (materialId: string) => `onething-material-key:${materialId}`;
const bodyAad = (materialId: string) => `onething-material:${materialId}`;

/**
 * A material as stored: its own data key, wrapped by the keyring's current key, in front of its
 * bytes sealed with that key (AES-256-GCM), both bound to the material's id:
 * `OTM1 ‖ key id length (1) ‖ key id ‖ wrapped key length (2) ‖ wrapped key ‖ sealed bytes`.
 * The store alone, or a copy of it, reads nothing without the keyring; a blob copied under
 * another material's key does not open.
 */
export function sealMaterial(keyring: Keyring, materialId: string, bytes: Buffer): Buffer {
  const kekId = Buffer.from(keyring.currentKeyId, 'utf8');
  const kek = keyring.keys.get(keyring.currentKeyId) as Buffer;
  const dataKey = randomBytes(KEY_BYTES);
  const wrapped = aeadSeal(kek, dataKey, keyAad(materialId));
  const lengths = Buffer.alloc(3);
  lengths.writeUInt8(kekId.length, 0);
  lengths.writeUInt16BE(wrapped.length, 1);
  return Buffer.concat([
    magic,
    lengths.subarray(0, 1),
    kekId,
    lengths.subarray(1),
    wrapped,
    aeadSeal(dataKey, bytes, bodyAad(materialId)),
  ]);
}

/** The bytes `sealMaterial` sealed; throws when altered, under another id, or its key left the keyring. */
export function openMaterial(keyring: Keyring, materialId: string, blob: Buffer): Buffer {
  const fail = (why: string) => new PayloadEncryptionError(`material ${materialId}: ${why}`);
  if (blob.length < 8 || !blob.subarray(0, 4).equals(magic)) throw fail('not a sealed material');
  const kekIdLength = blob.readUInt8(4);
  const kekId = blob.subarray(5, 5 + kekIdLength).toString('utf8');
  const wrappedAt = 5 + kekIdLength + 2;
  const wrappedLength = blob.readUInt16BE(5 + kekIdLength);
  const kek = keyring.keys.get(kekId);
  if (!kek) throw fail(`its key is wrapped by key ${kekId}, which is not in the keyring`);
  try {
    const dataKey = aeadOpen(kek, blob.subarray(wrappedAt, wrappedAt + wrappedLength), keyAad(materialId));
    return aeadOpen(dataKey, blob.subarray(wrappedAt + wrappedLength), bodyAad(materialId));
  } catch {
    throw fail('failed authentication');
  }
}

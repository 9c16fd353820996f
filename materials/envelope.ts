import { randomBytes } from 'node:crypto';
import { aeadOpen, aeadSeal, KEY_BYTES, PayloadEncryptionError } from '../temporal/codec.js';
import type { Keyring } from '../temporal/codec.js';

/** Before migration 0030: the wrapped data key stored in front of the sealed bytes. */
const keyInFront = Buffer.from('OTM1', 'ascii');
/** Since: the sealed bytes alone; the wrapped data key is in the material's row. */
const keyInRow = Buffer.from('OTM2', 'ascii');
const keyAad = (materialId: string) => `onething-material-key:${materialId}`;
const bodyAad = (materialId: string) => `onething-material:${materialId}`;

/** A material's data key as stored: wrapped (AES-256-GCM, bound to the material's id) by keyring key `kekId`. */
export interface WrappedMaterialKey {
  kekId: string;
  wrappedKey: Buffer;
}

/**
 * A material as stored: its bytes sealed (AES-256-GCM, bound to the material's id) with a data
 * key of its own, `OTM2 ‖ sealed bytes`, and that key wrapped by the keyring's current key, which
 * the caller keeps in the material's row. Kept apart so that a keyring rotation re-wraps a row,
 * never rewrites an object; the store alone, or a copy of it, opens nothing.
 */
export function sealMaterial(
  keyring: Keyring,
  materialId: string,
  bytes: Buffer,
): { blob: Buffer; key: WrappedMaterialKey } {
  const dataKey = randomBytes(KEY_BYTES);
  const blob = Buffer.concat([keyInRow, aeadSeal(dataKey, bytes, bodyAad(materialId))]);
  return {
    blob,
    key: { kekId: keyring.currentKeyId, wrappedKey: wrapMaterialKey(keyring, materialId, dataKey) },
  };
}

/**
 * The bytes `sealMaterial` sealed, with the key from the material's row; a material stored before
 * keys moved to rows (`OTM1`) opens with the key in front of its bytes until it is re-wrapped.
 * Throws when altered, under another id, erased, or its key left the keyring.
 */
export function openMaterial(
  keyring: Keyring,
  materialId: string,
  blob: Buffer,
  rowKey: WrappedMaterialKey | undefined,
): Buffer {
  const { key, body } = partsOf(materialId, blob);
  const wrapped = rowKey ?? key;
  if (!wrapped) throw failure(materialId, 'its data key is gone (erased)');
  const dataKey = unwrapMaterialKey(keyring, materialId, wrapped);
  try {
    return aeadOpen(dataKey, body, bodyAad(materialId));
  } catch {
    throw failure(materialId, 'failed authentication');
  }
}

/** The data key stored in front of an `OTM1` material's bytes; undefined for one whose key is in its row. */
export function keyInFrontOf(materialId: string, blob: Buffer): WrappedMaterialKey | undefined {
  return partsOf(materialId, blob).key;
}

/** The same data key wrapped by the keyring's current key, so the key that wrapped it may be retired. */
export function rewrapMaterialKey(
  keyring: Keyring,
  materialId: string,
  key: WrappedMaterialKey,
): WrappedMaterialKey {
  if (key.kekId === keyring.currentKeyId) return key;
  const dataKey = unwrapMaterialKey(keyring, materialId, key);
  return { kekId: keyring.currentKeyId, wrappedKey: wrapMaterialKey(keyring, materialId, dataKey) };
}

function wrapMaterialKey(keyring: Keyring, materialId: string, dataKey: Buffer): Buffer {
  const kek = keyring.keys.get(keyring.currentKeyId) as Buffer;
  return aeadSeal(kek, dataKey, keyAad(materialId));
}

function unwrapMaterialKey(keyring: Keyring, materialId: string, key: WrappedMaterialKey): Buffer {
  const kek = keyring.keys.get(key.kekId);
  if (!kek) throw failure(materialId, `its key is wrapped by key ${key.kekId}, which is not in the keyring`);
  try {
    return aeadOpen(kek, key.wrappedKey, keyAad(materialId));
  } catch {
    throw failure(materialId, 'failed authentication');
  }
}

/** `OTM2 ‖ body`, or `OTM1 ‖ key id length (1) ‖ key id ‖ wrapped key length (2) ‖ wrapped key ‖ body`. */
function partsOf(materialId: string, blob: Buffer): { key?: WrappedMaterialKey; body: Buffer } {
  const magic = blob.subarray(0, 4);
  if (magic.equals(keyInRow)) return { body: blob.subarray(4) };
  if (blob.length < 8 || !magic.equals(keyInFront)) throw failure(materialId, 'not a sealed material');
  const kekIdLength = blob.readUInt8(4);
  const kekId = blob.subarray(5, 5 + kekIdLength).toString('utf8');
  const wrappedAt = 5 + kekIdLength + 2;
  const wrappedLength = blob.readUInt16BE(5 + kekIdLength);
  return {
    key: { kekId, wrappedKey: blob.subarray(wrappedAt, wrappedAt + wrappedLength) },
    body: blob.subarray(wrappedAt + wrappedLength),
  };
}

const failure = (materialId: string, why: string) =>
  new PayloadEncryptionError(`material ${materialId}: ${why}`);

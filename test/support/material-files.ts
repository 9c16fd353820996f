import { randomBytes } from 'node:crypto';
import { aeadSeal, KEY_BYTES } from '../../temporal/codec.js';
import type { Keyring } from '../../temporal/codec.js';

/** Small files of each accepted type: their magic number, then random bytes (never a real scan). */
export const sampleMaterials = {
  pdf: () => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2048)]),
  jpeg: () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2048)]),
  png: () =>
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2048)]),
  /** A GIF: a real image type, but not one a material may be. */
  gif: () => Buffer.concat([Buffer.from('GIF89a'), randomBytes(256)]),
};

/**
 * A material as stored before migration 0030 (envelope `OTM1`): its data key, wrapped by the
 * keyring's current key, in front of its sealed bytes. Written out here, byte by byte, so the
 * tests keep such objects readable whatever the code writes today.
 */
export function legacySealedMaterial(keyring: Keyring, materialId: string, bytes: Buffer): Buffer {
  const dataKey = randomBytes(KEY_BYTES);
  const kek = keyring.keys.get(keyring.currentKeyId) as Buffer;
  const kekId = Buffer.from(keyring.currentKeyId, 'utf8');
  const wrapped = aeadSeal(kek, dataKey, `onething-material-key:${materialId}`);
  const wrappedLength = Buffer.alloc(2);
  wrappedLength.writeUInt16BE(wrapped.length);
  return Buffer.concat([
    Buffer.from('OTM1', 'ascii'),
    Buffer.from([kekId.length]),
    kekId,
    wrappedLength,
    wrapped,
    aeadSeal(dataKey, bytes, `onething-material:${materialId}`),
  ]);
}

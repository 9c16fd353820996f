import { randomBytes } from 'node:crypto';

/** Small files of each accepted type: their magic number, then random bytes (never a real scan). */
export const sampleMaterials = {
  pdf: () => Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(2048)]),
  jpeg: () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2048)]),
  png: () =>
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2048)]),
  /** A GIF: a real image type, but not one a material may be. */
  gif: () => Buffer.concat([Buffer.from('GIF89a'), randomBytes(256)]),
};

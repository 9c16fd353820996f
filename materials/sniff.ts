import type { MaterialType } from '../schemas/materials.js';

// Magic numbers at the start of each accepted type. A PDF may carry a few bytes of junk before
// its header (readers accept up to 1024); a material is a scan, so the header must come first.
const signatures: ReadonlyArray<{ type: MaterialType; magic: readonly number[] }> = [
  { type: 'application/pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // %PDF-
  { type: 'image/jpeg', magic: [0xff, 0xd8, 0xff] },
  { type: 'image/png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
];

/** The type the bytes are, by their magic number; undefined when they are none of the accepted ones. */
export function sniffMaterialType(bytes: Uint8Array): MaterialType | undefined {
  return signatures.find(({ magic }) => magic.every((byte, i) => bytes[i] === byte))?.type;
}

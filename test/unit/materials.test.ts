import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyInFrontOf, openMaterial, rewrapMaterialKey, sealMaterial } from '../../materials/envelope.js';
import type { WrappedMaterialKey } from '../../materials/envelope.js';
import { signedMaterialUrl, verifyMaterialLink } from '../../materials/links.js';
import type { LinkQuery } from '../../materials/links.js';
import { MaterialRefused, Materials } from '../../materials/materials.js';
import type { ObjectStore } from '../../materials/object-store.js';
import { sniffMaterialType } from '../../materials/sniff.js';
import { randomKeyring } from '../../temporal/keyring.js';
import { legacySealedMaterial, sampleMaterials } from '../support/material-files.js';

const keyring = randomKeyring();
const unusedStore = {} as ObjectStore;
const materials = new Materials(
  { query: () => Promise.reject(new Error('no database')) } as never,
  unusedStore,
  keyring,
  {
    maxBytes: 4096,
    types: ['application/pdf', 'image/jpeg', 'image/png'],
  },
);

const refusalOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof MaterialRefused) return { status: err.status, code: err.code };
    throw err;
  }
  return undefined;
};

describe('sniffing a material', () => {
  it('tells PDF, JPEG and PNG by their bytes, and nothing else', () => {
    expect(sniffMaterialType(sampleMaterials.pdf())).toBe('application/pdf');
    expect(sniffMaterialType(sampleMaterials.jpeg())).toBe('image/jpeg');
    expect(sniffMaterialType(sampleMaterials.png())).toBe('image/png');
    expect(sniffMaterialType(sampleMaterials.gif())).toBeUndefined();
    expect(sniffMaterialType(Buffer.from('<html><body>%PDF-</body></html>'))).toBeUndefined();
    expect(sniffMaterialType(Buffer.alloc(0))).toBeUndefined();
  });

  it('accepts the bytes whatever the header says only when the header is generic or agrees', () => {
    expect(materials.check(sampleMaterials.png(), 'image/png')).toBe('image/png');
    expect(materials.check(sampleMaterials.png(), 'application/octet-stream')).toBe('image/png');
    expect(materials.check(sampleMaterials.pdf(), undefined)).toBe('application/pdf');
    expect(materials.check(sampleMaterials.pdf(), 'Application/PDF; charset=binary')).toBe('application/pdf');
    expect(refusalOf(() => materials.check(sampleMaterials.png(), 'image/jpeg'))).toEqual({
      status: 415,
      code: 'MATERIAL_TYPE_MISMATCH',
    });
    expect(refusalOf(() => materials.check(sampleMaterials.pdf(), 'text/html'))).toEqual({
      status: 415,
      code: 'MATERIAL_TYPE_MISMATCH',
    });
  });

  it('refuses what is too large, empty or of another type', () => {
    expect(
      refusalOf(() => materials.check(Buffer.concat([sampleMaterials.pdf(), Buffer.alloc(4096)]), undefined)),
    ).toEqual({
      status: 413,
      code: 'MATERIAL_TOO_LARGE',
    });
    expect(refusalOf(() => materials.check(Buffer.alloc(0), 'image/png'))).toEqual({
      status: 415,
      code: 'MATERIAL_TYPE_UNSUPPORTED',
    });
    expect(refusalOf(() => materials.check(sampleMaterials.gif(), 'image/gif'))).toEqual({
      status: 415,
      code: 'MATERIAL_TYPE_UNSUPPORTED',
    });
  });

  it('refuses a type the deployment leaves out (MATERIAL_TYPES)', () => {
    const pdfOnly = new Materials({} as never, unusedStore, keyring, {
      maxBytes: 4096,
      types: ['application/pdf'],
    });
    expect(refusalOf(() => pdfOnly.check(sampleMaterials.png(), 'image/png'))).toEqual({
      status: 415,
      code: 'MATERIAL_TYPE_UNSUPPORTED',
    });
  });
});

describe('a material at rest', () => {
  const id = 'mat_0123456789abcdef0123456789abcdef';

  it('is sealed with a key of its own, kept apart: not the bytes, and opened only under its own id', () => {
    const bytes = sampleMaterials.png();
    const { blob, key } = sealMaterial(keyring, id, bytes);
    expect(blob.includes(bytes.subarray(0, 64))).toBe(false);
    expect(key.kekId).toBe(keyring.currentKeyId);
    expect(blob.includes(key.wrappedKey)).toBe(false);
    expect(openMaterial(keyring, id, blob, key).equals(bytes)).toBe(true);
    // The object alone opens nothing: its key is in the material's row.
    expect(() => openMaterial(keyring, id, blob, undefined)).toThrow(/erased/);
    expect(() => openMaterial(keyring, 'mat_ffffffffffffffffffffffffffffffff', blob, key)).toThrow(
      /authentication/,
    );
    expect(() => openMaterial(randomKeyring(), id, blob, key)).toThrow();
    const altered = Buffer.from(blob);
    altered[altered.length - 20] = (altered[altered.length - 20] ?? 0) ^ 1;
    expect(() => openMaterial(keyring, id, altered, key)).toThrow(/authentication/);
  });

  it('opens under a new current key once re-wrapped, with the former key retired', () => {
    const bytes = sampleMaterials.pdf();
    const { blob, key } = sealMaterial(keyring, id, bytes);
    const rotated = { currentKeyId: 'next', keys: new Map([...keyring.keys, ['next', randomBytes(32)]]) };
    const rewrapped = rewrapMaterialKey(rotated, id, key);
    expect(rewrapped.kekId).toBe('next');
    const retired = { currentKeyId: 'next', keys: new Map([['next', rotated.keys.get('next') as Buffer]]) };
    expect(openMaterial(retired, id, blob, rewrapped).equals(bytes)).toBe(true);
    expect(() => openMaterial(retired, id, blob, key)).toThrow(/not in the keyring/);
  });

  it('stored before keys moved to rows (key in front of the bytes), opens as it is and re-wraps into a row', () => {
    const bytes = sampleMaterials.jpeg();
    const blob = legacySealedMaterial(keyring, id, bytes);
    expect(openMaterial(keyring, id, blob, undefined).equals(bytes)).toBe(true);
    const inFront = keyInFrontOf(id, blob);
    expect(inFront?.kekId).toBe(keyring.currentKeyId);
    const next = randomKeyring();
    const rotated = { currentKeyId: next.currentKeyId, keys: new Map([...keyring.keys, ...next.keys]) };
    const moved = rewrapMaterialKey(rotated, id, inFront as WrappedMaterialKey);
    expect(openMaterial(next, id, blob, moved).equals(bytes)).toBe(true);
  });
});

describe('a material link', () => {
  const claims = {
    materialId: 'mat_0123456789abcdef0123456789abcdef',
    applicationId: '6f1c2a3e-1111-4222-8333-944455556666',
    department: 'market-regulation',
    stepId: 'registration',
    expires: 1_800_000_000,
  };
  const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams) as unknown as LinkQuery;
  const url = signedMaterialUrl('http://api.example/', keyring, claims);

  it('names one material and verifies until it expires', () => {
    expect(url.startsWith(`http://api.example/v1/materials/${claims.materialId}/content?`)).toBe(true);
    expect(verifyMaterialLink(keyring, claims.materialId, queryOf(url), claims.expires * 1000 - 1)).toEqual({
      claims,
    });
    expect(verifyMaterialLink(keyring, claims.materialId, queryOf(url), claims.expires * 1000)).toEqual({
      refused: 'expired',
    });
  });

  it('is refused when any part is altered, or another material is asked for', () => {
    const query = queryOf(url);
    const now = claims.expires * 1000 - 60_000;
    for (const [field, value] of [
      ['application', '6f1c2a3e-1111-4222-8333-000000000000'],
      ['department', 'police'],
      ['step', 'sealFiling'],
      ['expires', String(claims.expires + 3600)],
      ['signature', `${query.signature.slice(0, -2)}AA`],
      ['kid', 'another-key'],
    ] as const) {
      expect(
        verifyMaterialLink(keyring, claims.materialId, { ...query, [field]: value }, now),
        field,
      ).toEqual({
        refused: 'invalid',
      });
    }
    expect(verifyMaterialLink(keyring, 'mat_ffffffffffffffffffffffffffffffff', query, now)).toEqual({
      refused: 'invalid',
    });
    expect(verifyMaterialLink(randomKeyring(), claims.materialId, query, now)).toEqual({
      refused: 'invalid',
    });
  });
});

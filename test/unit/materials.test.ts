import { describe, expect, it } from 'vitest';
import { openMaterial, sealMaterial } from '../../materials/envelope.js';
import { signedMaterialUrl, verifyMaterialLink } from '../../materials/links.js';
import type { LinkQuery } from '../../materials/links.js';
import { MaterialRefused, Materials } from '../../materials/materials.js';
import type { ObjectStore } from '../../materials/object-store.js';
import { sniffMaterialType } from '../../materials/sniff.js';
import { randomKeyring } from '../../temporal/keyring.js';
import { sampleMaterials } from '../support/material-files.js';

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
  it('is sealed with a key of its own: not the bytes, and opened only under its own id', () => {
    const bytes = sampleMaterials.png();
    const sealed = sealMaterial(keyring, 'mat_0123456789abcdef0123456789abcdef', bytes);
    expect(sealed.includes(bytes.subarray(0, 64))).toBe(false);
    expect(openMaterial(keyring, 'mat_0123456789abcdef0123456789abcdef', sealed).equals(bytes)).toBe(true);
    expect(() => openMaterial(keyring, 'mat_ffffffffffffffffffffffffffffffff', sealed)).toThrow(
      /authentication/,
    );
    expect(() => openMaterial(randomKeyring(), 'mat_0123456789abcdef0123456789abcdef', sealed)).toThrow();
    const altered = Buffer.from(sealed);
    altered[altered.length - 20] = (altered[altered.length - 20] ?? 0) ^ 1;
    expect(() => openMaterial(keyring, 'mat_0123456789abcdef0123456789abcdef', altered)).toThrow(
      /authentication/,
    );
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

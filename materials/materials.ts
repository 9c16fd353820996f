import { createHash, randomBytes } from 'node:crypto';
import {
  findMaterial,
  insertMaterial,
  markMaterialBytesDeleted,
  materialBytesToDelete,
} from '../db/materials.js';
import type { MaterialRow } from '../db/materials.js';
import type { Queryable } from '../db/pool.js';
import { problemCodes } from '../schemas/error-codes.js';
import type { ProblemCode } from '../schemas/error-codes.js';
import { materialTypes } from '../schemas/materials.js';
import type { MaterialType } from '../schemas/materials.js';
import type { Keyring } from '../temporal/codec.js';
import { openMaterial, sealMaterial } from './envelope.js';
import type { ObjectStore } from './object-store.js';
import { sniffMaterialType } from './sniff.js';

/** What a deployment accepts (`MATERIAL_MAX_BYTES`, `MATERIAL_TYPES`). */
export interface MaterialLimits {
  maxBytes: number;
  types: readonly MaterialType[];
}

export const defaultMaterialLimits: MaterialLimits = { maxBytes: 10 * 1024 * 1024, types: materialTypes };

/** An upload refused for what it is: the API answers it as problem+json with `code`. */
export class MaterialRefused extends Error {
  override readonly name = 'MaterialRefused';
  constructor(
    readonly status: 413 | 415,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Header values that say nothing of the type: the bytes alone decide. */
const undeclared = new Set(['', 'application/octet-stream']);

/**
 * Materials: checked, sealed with a data key of their own and put in the object store; their
 * metadata in PostgreSQL. Reads open them again for the signed links departments fetch.
 */
export class Materials {
  constructor(
    private readonly db: Queryable,
    private readonly store: ObjectStore,
    private readonly keyring: Keyring,
    readonly limits: MaterialLimits = defaultMaterialLimits,
  ) {}

  /** The type of `bytes` if the deployment accepts them as they are declared, or the refusal. */
  check(bytes: Buffer, declaredType: string | undefined): MaterialType {
    if (bytes.length > this.limits.maxBytes) throw tooLarge(this.limits.maxBytes);
    const sniffed = sniffMaterialType(bytes);
    const accepted = this.limits.types.join(', ');
    if (bytes.length === 0 || !sniffed || !this.limits.types.includes(sniffed)) {
      throw new MaterialRefused(
        415,
        problemCodes.materialTypeUnsupported,
        'The material is not of an accepted type',
        bytes.length === 0
          ? 'The material is empty.'
          : `The bytes are ${sniffed ?? 'of no recognised type'}; accepted: ${accepted}.`,
      );
    }
    const declared = (declaredType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!undeclared.has(declared) && declared !== sniffed) {
      throw new MaterialRefused(
        415,
        problemCodes.materialTypeMismatch,
        'The Content-Type does not match the material',
        `The header says ${declared} but the bytes are ${sniffed}; send the right type or application/octet-stream.`,
      );
    }
    return sniffed;
  }

  /** Checks, seals and stores an upload of `portal`; its metadata row is written after its bytes. */
  async upload(portal: string, bytes: Buffer, declaredType: string | undefined): Promise<MaterialRow> {
    const contentType = this.check(bytes, declaredType);
    const id = `mat_${randomBytes(16).toString('hex')}`;
    const storageKey = `materials/${id}`;
    await this.store.put(storageKey, sealMaterial(this.keyring, id, bytes));
    try {
      return await insertMaterial(this.db, {
        id,
        portal,
        size: bytes.length,
        content_type: contentType,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        storage_key: storageKey,
      });
    } catch (err) {
      // No row names the bytes: they would never be read, so they are not kept.
      await this.store.delete(storageKey).catch(() => undefined);
      throw err;
    }
  }

  /** The material's metadata and bytes, opened; undefined when there is no such material, or it was erased. */
  async read(id: string): Promise<{ material: MaterialRow; bytes: Buffer } | undefined> {
    const material = await findMaterial(this.db, id);
    if (!material || material.erased_at) return undefined;
    const blob = await this.store.get(material.storage_key);
    if (!blob) throw new Error(`material ${id}: its bytes are missing from the object store`);
    return { material, bytes: openMaterial(this.keyring, id, blob) };
  }

  async metadata(id: string): Promise<MaterialRow | undefined> {
    const material = await findMaterial(this.db, id);
    return material?.erased_at ? undefined : material;
  }

  /**
   * Deletes the sealed bytes of erased materials from the object store: with them goes the data
   * key stored in front of them, so no copy of the bytes (a backup of the bucket) opens again.
   * A deletion that fails is tried again at the next run. Returns how many went.
   */
  async deleteErasedBytes(): Promise<number> {
    let deleted = 0;
    for (;;) {
      const due = await materialBytesToDelete(this.db, 100);
      for (const material of due) {
        await this.store.delete(material.storage_key);
        await markMaterialBytesDeleted(this.db, material.id);
        deleted += 1;
      }
      if (due.length < 100) return deleted;
    }
  }
}

export function tooLarge(maxBytes: number): MaterialRefused {
  return new MaterialRefused(
    413,
    problemCodes.materialTooLarge,
    'The material is too large',
    `A material may have at most ${maxBytes} bytes.`,
  );
}

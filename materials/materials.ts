import { createHash, randomBytes } from 'node:crypto';
import {
  findMaterial,
  insertMaterial,
  listMaterialKeysToRewrap,
  markMaterialBytesDeleted,
  materialBytesToDelete,
  replaceMaterialKey,
} from '../db/materials.js';
import type { MaterialRow } from '../db/materials.js';
import type { Queryable } from '../db/pool.js';
import { problemCodes } from '../schemas/error-codes.js';
import type { ProblemCode } from '../schemas/error-codes.js';
import { materialTypes } from '../schemas/materials.js';
import type { MaterialType } from '../schemas/materials.js';
import type { Keyring } from '../temporal/codec.js';
import { keyInFrontOf, openMaterial, rewrapMaterialKey, sealMaterial } from './envelope.js';
import type { WrappedMaterialKey } from './envelope.js';
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
    const sealed = sealMaterial(this.keyring, id, bytes);
    await this.store.put(storageKey, sealed.blob);
    try {
      return await insertMaterial(this.db, {
        id,
        portal,
        size: bytes.length,
        content_type: contentType,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        storage_key: storageKey,
        kek_id: sealed.key.kekId,
        wrapped_key: sealed.key.wrappedKey,
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
    return { material, bytes: openMaterial(this.keyring, id, blob, rowKeyOf(material)) };
  }

  async metadata(id: string): Promise<MaterialRow | undefined> {
    const material = await findMaterial(this.db, id);
    return material?.erased_at ? undefined : material;
  }

  /**
   * Re-wraps, a batch at a time, the data keys of kept materials with the keyring's current key,
   * so a former key can be retired; a key still stored in front of a material's bytes (before
   * keys moved to rows) moves to its row on the way. The sealed bytes are not touched. Returns
   * how many were re-wrapped, and how many cannot be: wrapped by a key no longer listed, or
   * their bytes missing from the store.
   */
  async rewrapAll(batch = 200, signal?: AbortSignal): Promise<{ rewrapped: number; unreadable: number }> {
    let rewrapped = 0;
    let unreadable = 0;
    let after: string | null = null;
    for (;;) {
      if (signal?.aborted) return { rewrapped, unreadable };
      const rows = await listMaterialKeysToRewrap(this.db, this.keyring.currentKeyId, batch, after);
      if (rows.length === 0) return { rewrapped, unreadable };
      for (const row of rows) {
        const key = rowKeyOf(row) ?? (await this.keyInFront(row.id, row.storage_key));
        const current = key && this.rewrapped(row.id, key);
        if (!current) {
          unreadable += 1;
          continue;
        }
        const from = { id: row.id, fromKekId: row.kek_id };
        if (await replaceMaterialKey(this.db, from, current.kekId, current.wrappedKey)) rewrapped += 1;
      }
      after = rows.at(-1)?.id ?? null;
    }
  }

  private async keyInFront(id: string, storageKey: string): Promise<WrappedMaterialKey | undefined> {
    const blob = await this.store.get(storageKey);
    try {
      return blob ? keyInFrontOf(id, blob) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The key wrapped by the current keyring key; undefined when it cannot be unwrapped (key gone, altered). */
  private rewrapped(id: string, key: WrappedMaterialKey): WrappedMaterialKey | undefined {
    try {
      return rewrapMaterialKey(this.keyring, id, key);
    } catch {
      return undefined;
    }
  }

  /**
   * Deletes the sealed bytes of erased materials from the object store (their data key left
   * their row when they were erased; a material stored before keys moved to rows has it in
   * front of its bytes, which go with them).
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

/** The data key in a material's row, if it has one there. */
function rowKeyOf(row: {
  kek_id?: string | null;
  wrapped_key?: Buffer | null;
}): WrappedMaterialKey | undefined {
  return row.kek_id && row.wrapped_key ? { kekId: row.kek_id, wrappedKey: row.wrapped_key } : undefined;
}

export function tooLarge(maxBytes: number): MaterialRefused {
  return new MaterialRefused(
    413,
    problemCodes.materialTooLarge,
    'The material is too large',
    `A material may have at most ${maxBytes} bytes.`,
  );
}

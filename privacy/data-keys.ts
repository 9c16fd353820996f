import { randomBytes } from 'node:crypto';
import { findDataKey, insertDataKey, listKeysToRewrap, replaceWrappedKey } from '../db/data-keys.js';
import type { DataKeyRow } from '../db/data-keys.js';
import type { Queryable } from '../db/pool.js';
import { aeadOpen, aeadSeal, DataErasedError, KEY_BYTES, PayloadEncryptionError } from '../temporal/codec.js';
import type { DataKeySource, Keyring } from '../temporal/codec.js';

/** How long an unwrapped key stays in memory: bounds how long another process still opens an erased application's data. */
const cacheMs = 60_000;
const cacheEntries = 10_000;

const wrapAad = (applicationId: string) => `onething-data-key:${applicationId}`;

/**
 * The applications' data keys (envelope encryption): each made at random on first use, stored
 * only wrapped by the keyring's current key, unwrapped on demand and kept a minute in memory.
 * The one source of keys for the payload codec and the read model's sealed columns.
 */
export class DataKeys implements DataKeySource {
  private readonly cache = new Map<string, { key: Buffer; until: number }>();

  constructor(
    private readonly db: Queryable,
    private readonly keyring: Keyring,
    private readonly now: () => number = Date.now,
  ) {}

  async keyFor(applicationId: string, create: boolean): Promise<Buffer> {
    const cached = this.cache.get(applicationId);
    if (cached && cached.until > this.now()) return cached.key;
    let row = await findDataKey(this.db, applicationId);
    if (!row && create) {
      const kekId = this.keyring.currentKeyId;
      row =
        (await insertDataKey(
          this.db,
          applicationId,
          kekId,
          this.wrap(applicationId, randomBytes(KEY_BYTES)),
        )) ??
        // Another process inserted it at the same moment: the insert waited for it and did
        // nothing, and its statement's snapshot cannot see that row; a new statement can.
        (await findDataKey(this.db, applicationId));
    }
    if (!row) throw new PayloadEncryptionError(`application ${applicationId} has no data key`);
    const key = this.unwrap(row);
    this.remember(applicationId, key);
    return key;
  }

  /**
   * Drops a key from memory once the retention job destroyed it (`eraseApplication`, in its
   * transaction); other processes drop theirs within a minute.
   */
  forget(applicationId: string): void {
    this.cache.delete(applicationId);
  }

  /**
   * Re-wraps, a batch at a time, the data keys wrapped by a former keyring key with the current
   * one, so the former key can be retired. The data they encrypt is not touched: nothing stops.
   * Returns how many were re-wrapped and how many are wrapped by a key no longer listed.
   */
  async rewrapAll(batch = 200): Promise<{ rewrapped: number; unreadable: number }> {
    let rewrapped = 0;
    const unreadable = new Set<string>();
    for (;;) {
      const rows = (
        await listKeysToRewrap(this.db, this.keyring.currentKeyId, batch + unreadable.size)
      ).filter((r) => !unreadable.has(r.application_id));
      if (rows.length === 0) return { rewrapped, unreadable: unreadable.size };
      for (const row of rows) {
        if (!this.keyring.keys.has(row.kek_id ?? '')) {
          unreadable.add(row.application_id);
          continue;
        }
        const key = this.unwrap(row);
        const changed = await replaceWrappedKey(
          this.db,
          { applicationId: row.application_id, fromKekId: row.kek_id as string },
          this.keyring.currentKeyId,
          this.wrap(row.application_id, key),
        );
        if (changed) rewrapped += 1;
      }
    }
  }

  private wrap(applicationId: string, key: Buffer): Buffer {
    const kek = this.keyring.keys.get(this.keyring.currentKeyId) as Buffer;
    return aeadSeal(kek, key, wrapAad(applicationId));
  }

  private unwrap(row: DataKeyRow): Buffer {
    if (row.erased_at !== null || !row.wrapped_key || !row.kek_id) {
      throw new DataErasedError(`the data of application ${row.application_id} was erased (retention)`);
    }
    const kek = this.keyring.keys.get(row.kek_id);
    if (!kek) {
      throw new PayloadEncryptionError(
        `the data key of application ${row.application_id} is wrapped by key ${row.kek_id}, which is not in the keyring`,
      );
    }
    try {
      return aeadOpen(kek, row.wrapped_key, wrapAad(row.application_id));
    } catch {
      throw new PayloadEncryptionError(
        `the data key of application ${row.application_id} failed authentication`,
      );
    }
  }

  private remember(applicationId: string, key: Buffer): void {
    if (this.cache.size >= cacheEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(applicationId, { key, until: this.now() + cacheMs });
  }
}

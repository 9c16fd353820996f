import { createHash } from 'node:crypto';
import {
  keyringMigrationDone,
  listStaleApplicantHashes,
  markKeyringMigrationDone,
  replaceApplicantHash,
} from '../db/applicant-hashes.js';
import type { Pool } from '../db/pool.js';
import { sealerOf } from '../db/sealing.js';
import type { Keyring } from '../temporal/codec.js';
import type { DataKeys } from './data-keys.js';
import { applicantHash } from './lookup-hash.js';
import { resealStoredData } from './reseal.js';
import type { ResealResult } from './reseal.js';

/**
 * The keyring as the stored data is brought to it: the current key and every listed key, by id
 * and by a digest of the key (so a key replaced under the same id counts as a change). Never the
 * keys: a digest of a 256-bit random key tells nothing of it.
 */
export function keyringState(keyring: Keyring): string {
  const listed = [...keyring.keys.entries()]
    .map(([id, key]) => `${id}=${createHash('sha256').update(key).digest('base64url').slice(0, 16)}`)
    .sort();
  return `current=${keyring.currentKeyId};${listed.join(',')}`;
}

/** What one pass did; `skipped` when this keyring state was reached before and nothing was scanned. */
export type KeyringMigrationResult =
  | { skipped: true }
  | ({
      skipped: false;
      rehashed: number;
      /** Materials' data keys moved to the current key, and those wrapped by a key no longer listed. */
      materialKeysRewrapped: number;
      materialKeysUnreadable: number;
      complete: boolean;
    } & ResealResult);

/** What re-wraps materials' data keys (`Materials`). */
export interface MaterialKeyRewrap {
  rewrapAll(batch?: number, signal?: AbortSignal): Promise<{ rewrapped: number; unreadable: number }>;
}

/**
 * Lookup hashes computed under a key other than the current one (a rotation, a dropped key) are
 * computed again from the sealed ID number, so "my applications" finds them under the current key.
 */
export async function rehashApplicants(
  pool: Pool,
  keyring: Keyring,
  options: { batch?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const sealer = sealerOf(pool);
  let rehashed = 0;
  let after: string | null = null;
  for (;;) {
    if (options.signal?.aborted) return rehashed;
    const rows = await listStaleApplicantHashes(pool, keyring.currentKeyId, options.batch ?? 200, after);
    if (rows.length === 0) return rehashed;
    for (const row of rows) {
      const idNumber = await sealer.open(row.applicant_id_sealed).catch(() => null);
      // Its data key is wrapped by a key no longer listed: nothing can be computed for it.
      if (typeof idNumber !== 'string') continue;
      if (await replaceApplicantHash(pool, row, applicantHash(keyring, idNumber))) rehashed += 1;
    }
    after = rows.at(-1)?.id ?? null;
  }
}

/**
 * Brings the stored data to the keyring once per keyring change, not at every start: re-wraps
 * applications' data keys, seals cells stored in clear, recomputes lookup hashes, re-wraps
 * materials' data keys (`options.materials`), then records the state as
 * done in PostgreSQL (`keyring_migrations`). A start with a keyring already done asks one
 * question and scans nothing. A pass cut short (shutdown) is not recorded, so the next start
 * finishes it; passes in several processes at once are safe (each change applies only to the
 * value it read).
 */
export async function migrateToKeyring(
  pool: Pool,
  dataKeys: DataKeys,
  keyring: Keyring,
  options: { batch?: number; signal?: AbortSignal; materials?: MaterialKeyRewrap } = {},
): Promise<KeyringMigrationResult> {
  const state = keyringState(keyring);
  if (await keyringMigrationDone(pool, state)) return { skipped: true };
  const resealed = await resealStoredData(pool, dataKeys, options);
  const rehashed = await rehashApplicants(pool, keyring, options);
  const materials = (await options.materials?.rewrapAll(options.batch, options.signal)) ?? {
    rewrapped: 0,
    unreadable: 0,
  };
  const done = {
    ...resealed,
    rehashed,
    materialKeysRewrapped: materials.rewrapped,
    materialKeysUnreadable: materials.unreadable,
  };
  const complete = !options.signal?.aborted;
  if (complete) await markKeyringMigrationDone(pool, state, done);
  return { skipped: false, ...done, complete };
}

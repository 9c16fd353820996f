import type { Queryable } from '../db/pool.js';
import { attachSealer, isSealed, sealedPrefix } from '../db/sealing.js';
import type { Sealer } from '../db/sealing.js';
import { aeadOpen, aeadSeal, DataErasedError, PayloadEncryptionError } from '../temporal/codec.js';
import type { DataKeySource, Keyring } from '../temporal/codec.js';
import { DataKeys } from './data-keys.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const aadOf = (applicationId: string) => `onething-row:${applicationId}`;

/**
 * Seals read-model values with the application's data key: `sealed:v1:<application id>:<base64
 * of iv ‖ AES-256-GCM(JSON) ‖ tag>`. The application id names the key and is bound in as
 * associated data, so a token copied to another application's row does not open.
 */
export function createSealer(dataKeys: DataKeySource): Sealer {
  return {
    async seal(applicationId, value) {
      const key = await dataKeys.keyFor(applicationId, true);
      const sealed = aeadSeal(key, Buffer.from(JSON.stringify(value), 'utf8'), aadOf(applicationId));
      return `${sealedPrefix}${applicationId}:${sealed.toString('base64')}`;
    },
    async open(value) {
      if (!isSealed(value)) return value;
      const rest = value.slice(sealedPrefix.length);
      const colon = rest.indexOf(':');
      const applicationId = rest.slice(0, colon);
      if (!uuid.test(applicationId)) throw new PayloadEncryptionError('a sealed value names no application');
      let key: Buffer;
      try {
        key = await dataKeys.keyFor(applicationId, false);
      } catch (err) {
        if (err instanceof DataErasedError) return null;
        throw err;
      }
      try {
        const plain = aeadOpen(key, Buffer.from(rest.slice(colon + 1), 'base64'), aadOf(applicationId));
        return JSON.parse(plain.toString('utf8')) as unknown;
      } catch {
        throw new PayloadEncryptionError(
          `a sealed value of application ${applicationId} failed authentication`,
        );
      }
    },
  };
}

/**
 * Data keys over `pool`, and the pool's sealer over them (`attachSealer`): what a process, a
 * bench or a test needs before the read model takes personal data.
 */
export function attachDataKeys(pool: Queryable & object, keyring: Keyring): DataKeys {
  const dataKeys = new DataKeys(pool, keyring);
  attachSealer(pool, createSealer(dataKeys));
  return dataKeys;
}

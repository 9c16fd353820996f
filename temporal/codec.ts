import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
// CommonJS: its namespaces come through the default import only.
import proto from '@temporalio/proto';
import { applicationIdOf } from './ids.js';

/** The `encoding` of a payload this codec encrypted. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key a payload was encrypted with, so keys can rotate. */
export const KEY_ID_METADATA = 'encryption-key-id';
/**
 * Metadata key naming the application whose data key encrypted a payload (its id, not personal:
 * it is the workflow id's too). Payloads without it were encrypted with a keyring key directly.
 */
export const DATA_KEY_METADATA = 'encryption-data-key';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** AES-256: every key is exactly this long. */
export const KEY_BYTES = 32;

/**
 * The keys payloads are encrypted with. New payloads use `currentKeyId`; every key listed still
 * decrypts, so a rotation adds a key and moves `currentKeyId` without losing old histories.
 */
export interface Keyring {
  currentKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

/** A payload that cannot be decrypted: unknown key, tampered or truncated data. */
export class PayloadEncryptionError extends Error {
  override readonly name: string = 'PayloadEncryptionError';
}

/** The application's data key was destroyed by its retention: what it encrypted is gone for good. */
export class DataErasedError extends PayloadEncryptionError {
  override readonly name = 'DataErasedError';
}

/**
 * Each application's own data key (envelope encryption: stored wrapped by the keyring), so
 * destroying one key erases that application's payloads and rows together.
 */
export interface DataKeySource {
  /**
   * The application's data key; with `create`, made on first use. Throws `DataErasedError` once
   * the key was destroyed.
   */
  keyFor(applicationId: string, create: boolean): Promise<Buffer>;
}

/** AES-256-GCM with a random IV: `iv ‖ ciphertext ‖ tag`; `aad` binds it to where it belongs. */
export function aeadSeal(key: Buffer, plain: Uint8Array, aad?: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad));
  return Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

/** Opens what `aeadSeal` sealed; throws if it was altered or the key or `aad` differ. */
export function aeadOpen(key: Buffer, data: Buffer, aad?: string): Buffer {
  if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadEncryptionError('encrypted data is truncated');
  const decipher = createDecipheriv(ALGORITHM, key, data.subarray(0, IV_BYTES));
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
}

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const text = (bytes: Uint8Array | null | undefined) =>
  bytes ? Buffer.from(bytes).toString('utf8') : undefined;

/**
 * AES-256-GCM over the whole payload (its metadata and data, serialised as the Payload protobuf),
 * with a random 12-byte IV per payload. Stored as `iv ‖ ciphertext ‖ auth tag`, so the Temporal
 * server holds neither the values nor what kind of values they are.
 *
 * With `dataKeys`, an application's payloads (the SDK names the workflow in the serialization
 * context) are encrypted with that application's data key, named in `encryption-data-key`, so
 * its retention can erase them; other payloads, and every payload without `dataKeys`, with the
 * keyring's current key, as before. Both kinds always decode, so recorded histories still replay.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(
    private readonly keyring: Keyring,
    private readonly dataKeys?: DataKeySource,
  ) {
    const current = keyring.keys.get(keyring.currentKeyId);
    if (!current)
      throw new PayloadEncryptionError(`the current key ${keyring.currentKeyId} is not in the keyring`);
    for (const [id, key] of keyring.keys) {
      if (key.length !== KEY_BYTES)
        throw new PayloadEncryptionError(`key ${id} is ${key.length} bytes; AES-256 needs ${KEY_BYTES}`);
    }
  }

  async encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const workflowId = context?.workflowId;
    const applicationId = workflowId === undefined ? undefined : applicationIdOf(workflowId);
    if (applicationId && this.dataKeys && payloads.length > 0) {
      const key = await this.dataKeys.keyFor(applicationId, true);
      return payloads.map((payload) => this.encryptWithDataKey(payload, applicationId, key));
    }
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map((payload) => this.decrypt(payload)));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keyring.currentKeyId;
    const key = this.keyring.keys.get(keyId) as Buffer;
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(keyId),
      },
      data: aeadSeal(key, PayloadMessage.encode(payload).finish()),
    };
  }

  private encryptWithDataKey(payload: Payload, applicationId: string, key: Buffer): Payload {
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [DATA_KEY_METADATA]: Buffer.from(applicationId),
      },
      // The application id as associated data: a payload moved to another application's history
      // does not open there.
      data: aeadSeal(key, PayloadMessage.encode(payload).finish(), applicationId),
    };
  }

  private async decrypt(payload: Payload): Promise<Payload> {
    // Payloads written before encryption was turned on stay readable.
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const applicationId = text(payload.metadata?.[DATA_KEY_METADATA]);
    if (applicationId !== undefined) {
      if (!this.dataKeys) {
        throw new PayloadEncryptionError(
          `a payload is encrypted with the data key of application ${applicationId}, and this codec has no data keys`,
        );
      }
      const key = await this.dataKeys.keyFor(applicationId, false);
      return PayloadMessage.decode(
        this.open(key, payload, `the data key of ${applicationId}`, applicationId),
      );
    }
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId) throw new PayloadEncryptionError(`an encrypted payload has no ${KEY_ID_METADATA}`);
    const key = this.keyring.keys.get(keyId);
    if (!key) {
      throw new PayloadEncryptionError(
        `a payload is encrypted with key ${keyId}, which is not in the keyring (keys: ${[...this.keyring.keys.keys()].join(', ')})`,
      );
    }
    return PayloadMessage.decode(this.open(key, payload, `key ${keyId}`));
  }

  private open(key: Buffer, payload: Payload, what: string, aad?: string): Buffer {
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadEncryptionError(`an encrypted payload (${what}) is truncated`);
    try {
      return aeadOpen(key, data, aad);
    } catch {
      throw new PayloadEncryptionError(
        `a payload encrypted with ${what} failed authentication: it was altered, or the key is not the one it was encrypted with`,
      );
    }
  }
}

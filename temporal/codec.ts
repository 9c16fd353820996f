import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY } from '@temporalio/common';
import type { Payload, PayloadCodec } from '@temporalio/common';
// CommonJS: its namespaces come through the default import only.
import proto from '@temporalio/proto';

/** The `encoding` of a payload this codec encrypted. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** Metadata key naming the key a payload was encrypted with, so keys can rotate. */
export const KEY_ID_METADATA = 'encryption-key-id';

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
  override readonly name = 'PayloadEncryptionError';
}

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;
const text = (bytes: Uint8Array | null | undefined) =>
  bytes ? Buffer.from(bytes).toString('utf8') : undefined;

/**
 * AES-256-GCM over the whole payload (its metadata and data, serialised as the Payload protobuf),
 * with a random 12-byte IV per payload. Stored as `iv ‖ ciphertext ‖ auth tag`, so the Temporal
 * server holds neither the values nor what kind of values they are.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {
    const current = keyring.keys.get(keyring.currentKeyId);
    if (!current)
      throw new PayloadEncryptionError(`the current key ${keyring.currentKeyId} is not in the keyring`);
    for (const [id, key] of keyring.keys) {
      if (key.length !== KEY_BYTES)
        throw new PayloadEncryptionError(`key ${id} is ${key.length} bytes; AES-256 needs ${KEY_BYTES}`);
    }
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const keyId = this.keyring.currentKeyId;
    const key = this.keyring.keys.get(keyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv);
    const plain = PayloadMessage.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: Buffer.from(keyId),
      },
      data,
    };
  }

  private decrypt(payload: Payload): Payload {
    // Payloads written before encryption was turned on stay readable.
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId) throw new PayloadEncryptionError(`an encrypted payload has no ${KEY_ID_METADATA}`);
    const key = this.keyring.keys.get(keyId);
    if (!key) {
      throw new PayloadEncryptionError(
        `a payload is encrypted with key ${keyId}, which is not in the keyring (keys: ${[...this.keyring.keys.keys()].join(', ')})`,
      );
    }
    const data = Buffer.from(payload.data ?? []);
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadEncryptionError(`an encrypted payload (key ${keyId}) is truncated`);
    const decipher = createDecipheriv(ALGORITHM, key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadEncryptionError(
        `a payload encrypted with key ${keyId} failed authentication: it was altered, or the key is not the one it was encrypted with`,
      );
    }
    return PayloadMessage.decode(plain);
  }
}

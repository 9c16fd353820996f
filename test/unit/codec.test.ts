import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  ENCRYPTED_ENCODING,
  EncryptionCodec,
  KEY_ID_METADATA,
  PayloadEncryptionError,
} from '../../temporal/codec.js';
import type { Keyring } from '../../temporal/codec.js';

const keyring = (currentKeyId: string, keys: Record<string, Buffer>): Keyring => ({
  currentKeyId,
  keys: new Map(Object.entries(keys)),
});
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

const form = { baby: { name: '王小明' }, mother: { idNumber: '330106199203150027' } };
const payloadOf = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);

async function encodeOne(codec: EncryptionCodec, payload: Payload): Promise<Payload> {
  const [encoded] = await codec.encode([payload]);
  if (!encoded) throw new Error('no payload encoded');
  return encoded;
}

async function decodeOne(codec: EncryptionCodec, payload: Payload): Promise<Payload> {
  const [decoded] = await codec.decode([payload]);
  if (!decoded) throw new Error('no payload decoded');
  return decoded;
}

async function decodeError(codec: EncryptionCodec, payload: Payload): Promise<PayloadEncryptionError> {
  const error: unknown = await codec.decode([payload]).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(PayloadEncryptionError);
  return error as PayloadEncryptionError;
}

describe('EncryptionCodec', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const codec = new EncryptionCodec(keyring('2026-01', { '2026-01': oldKey }));

  it('round-trips a payload, metadata and all', async () => {
    const original = payloadOf(form);
    const decoded = await decodeOne(codec, await encodeOne(codec, original));
    expect(text(decoded.metadata?.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(form);
  });

  it('encodes several payloads at once, keeping their order', async () => {
    const values = ['a', 1, null, { b: [true] }];
    const decoded = await codec.decode(await codec.encode(values.map(payloadOf)));
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual(values);
  });

  it('marks the payload as encrypted with its key id and hides the plaintext, with a fresh IV each time', async () => {
    const original = payloadOf(form);
    const first = await encodeOne(codec, original);
    const second = await encodeOne(codec, original);

    expect(text(first.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(first.metadata?.[KEY_ID_METADATA])).toBe('2026-01');
    expect(Object.keys(first.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA].sort());
    expect(Buffer.from(first.data ?? []).equals(Buffer.from(second.data ?? []))).toBe(false);
    for (const encoded of [first, second]) {
      const bytes = Buffer.from(encoded.data ?? []);
      for (const secret of ['王小明', '330106199203150027', 'json/plain']) {
        expect(bytes.includes(Buffer.from(secret))).toBe(false);
        expect(bytes.toString('latin1')).not.toContain(secret);
      }
    }
  });

  it('still decodes payloads of an old key after rotation, and encodes new ones with the new key', async () => {
    const beforeRotation = await encodeOne(codec, payloadOf(form));
    const rotated = new EncryptionCodec(keyring('2026-07', { '2026-01': oldKey, '2026-07': newKey }));

    expect(defaultPayloadConverter.fromPayload(await decodeOne(rotated, beforeRotation))).toEqual(form);
    const afterRotation = await encodeOne(rotated, payloadOf(form));
    expect(text(afterRotation.metadata?.[KEY_ID_METADATA])).toBe('2026-07');
    expect(defaultPayloadConverter.fromPayload(await decodeOne(rotated, afterRotation))).toEqual(form);
    // The old codec has no new key: it must fail loudly, not pass the ciphertext through.
    expect((await decodeError(codec, afterRotation)).message).toContain('2026-07');
  });

  it('names an unknown key id', async () => {
    const foreign = new EncryptionCodec(keyring('elsewhere', { elsewhere: randomBytes(32) }));
    const error = await decodeError(codec, await encodeOne(foreign, payloadOf(form)));
    expect(error.message).toContain('elsewhere');
  });

  it('rejects altered ciphertext, a swapped key id and truncated data', async () => {
    const encoded = await encodeOne(codec, payloadOf(form));
    const data = Buffer.from(encoded.data ?? []);

    const flipped = Buffer.from(data);
    flipped[20] = (flipped[20] ?? 0) ^ 0x01;
    await decodeError(codec, { ...encoded, data: flipped });

    const sameIdOtherKey = new EncryptionCodec(keyring('2026-01', { '2026-01': newKey }));
    await decodeError(sameIdOtherKey, encoded);

    await decodeError(codec, { ...encoded, data: data.subarray(0, 20) });
    await decodeError(codec, { metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING) }, data });
  });

  it('passes payloads that were never encrypted through decode unchanged', async () => {
    const plain = payloadOf(form);
    const empty: Payload = { metadata: {} };
    const [decodedPlain, decodedEmpty] = await codec.decode([plain, empty]);
    expect(decodedPlain).toBe(plain);
    expect(decodedEmpty).toBe(empty);
  });

  it('refuses a keyring whose current key is missing or not 32 bytes', () => {
    expect(() => new EncryptionCodec(keyring('missing', { other: oldKey }))).toThrow(/missing/);
    expect(() => new EncryptionCodec(keyring('short', { short: randomBytes(16) }))).toThrow(
      /short is 16 bytes/,
    );
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import {
  DATA_KEY_METADATA,
  DataErasedError,
  EncryptionCodec,
  KEY_ID_METADATA,
  PayloadEncryptionError,
} from '../../temporal/codec.js';
import type { DataKeySource } from '../../temporal/codec.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { randomKeyring } from '../../temporal/keyring.js';

/** Data keys in memory, as `DataKeys` keeps them in PostgreSQL; `erase` destroys one. */
function memoryDataKeys() {
  const keys = new Map<string, Buffer | null>();
  const source: DataKeySource = {
    async keyFor(applicationId, create) {
      const key = keys.get(applicationId);
      if (key === null) throw new DataErasedError(`application ${applicationId} was erased`);
      if (key) return key;
      if (!create) throw new PayloadEncryptionError(`no data key for ${applicationId}`);
      const made = randomBytes(32);
      keys.set(applicationId, made);
      return made;
    },
  };
  return { source, erase: (applicationId: string) => keys.set(applicationId, null) };
}

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const form = { mother: { idNumber: '330106199203150027' } };

describe('EncryptionCodec with per-application data keys', () => {
  const keyring = randomKeyring();

  it("encrypts an application's payloads with its data key, named in the metadata, and other workflows' with the keyring", async () => {
    const dataKeys = memoryDataKeys();
    const codec = new EncryptionCodec(keyring, dataKeys.source);
    const applicationId = randomUUID();
    const workflowId = applicationWorkflowId(applicationId);
    const [own] = await codec.encode([defaultPayloadConverter.toPayload(form)], {
      type: 'workflow',
      namespace: 'default',
      workflowId,
    });
    expect(text(own?.metadata?.[DATA_KEY_METADATA])).toBe(applicationId);
    expect(own?.metadata?.[KEY_ID_METADATA]).toBeUndefined();
    const [other] = await codec.encode([defaultPayloadConverter.toPayload(form)], {
      type: 'activity',
      namespace: 'default',
      workflowId: 'bulk-action-1',
      isLocal: false,
    });
    expect(text(other?.metadata?.[KEY_ID_METADATA])).toBe(keyring.currentKeyId);

    // Decoding needs no context: the payload names its key.
    const decoded = await codec.decode([own!, other!]);
    expect(decoded.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([form, form]);
    // A codec without data keys (a replay of recorded histories) still reads keyring payloads.
    expect(
      defaultPayloadConverter.fromPayload((await new EncryptionCodec(keyring).decode([other!]))[0]!),
    ).toEqual(form);
    await expect(new EncryptionCodec(keyring).decode([own!])).rejects.toBeInstanceOf(PayloadEncryptionError);
  });

  it('cannot decode a payload once its application was erased, nor one moved to another application', async () => {
    const dataKeys = memoryDataKeys();
    const codec = new EncryptionCodec(keyring, dataKeys.source);
    const [a, b] = [randomUUID(), randomUUID()];
    const context = (id: string) => ({
      type: 'workflow' as const,
      namespace: 'default',
      workflowId: applicationWorkflowId(id),
    });
    const [payload] = await codec.encode([defaultPayloadConverter.toPayload(form)], context(a));
    await codec.encode([defaultPayloadConverter.toPayload('x')], context(b));
    const moved = { ...payload!, metadata: { ...payload!.metadata, [DATA_KEY_METADATA]: Buffer.from(b) } };
    await expect(codec.decode([moved])).rejects.toThrow(/failed authentication/);
    dataKeys.erase(a);
    await expect(codec.decode([payload!])).rejects.toBeInstanceOf(DataErasedError);
  });
});

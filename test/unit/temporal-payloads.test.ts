import { randomBytes } from 'node:crypto';
import { ApplicationFailure, DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import type { LoadedDataConverter, Payload, ProtoFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec } from '../../temporal/codec.js';
import { decodeFailureToError, decodePayloadAt, timestampIso } from '../../temporal/payloads.js';

// The converter a client of the deployment has: JSON payloads, failure texts as encoded
// attributes, every payload encrypted.
const codec = new EncryptionCodec({ currentKeyId: 'k1', keys: new Map([['k1', randomBytes(32)]]) });
const converter: LoadedDataConverter = {
  payloadConverter: defaultPayloadConverter,
  failureConverter: new DefaultFailureConverter({ encodeCommonAttributes: true }),
  payloadCodecs: [codec],
};

const encrypt = async (payloads: Payload[]) => codec.encode(payloads);

/** Encrypts what the worker's codec encrypts in a failure: its attributes, details and causes. */
async function encryptFailure(failure: ProtoFailure): Promise<ProtoFailure> {
  const details = failure.applicationFailureInfo?.details?.payloads;
  return {
    ...failure,
    encodedAttributes: failure.encodedAttributes
      ? (await encrypt([failure.encodedAttributes]))[0]
      : undefined,
    cause: failure.cause ? await encryptFailure(failure.cause) : null,
    applicationFailureInfo: failure.applicationFailureInfo
      ? {
          ...failure.applicationFailureInfo,
          details: details ? { payloads: await encrypt(details) } : undefined,
        }
      : undefined,
  };
}

describe('reading what Temporal holds through the public SDK', () => {
  it('decodes a workflow argument through the codec', async () => {
    const input = { applicationId: 'a1', form: { name: '王小明' } };
    const payloads = await encrypt([
      defaultPayloadConverter.toPayload('first'),
      defaultPayloadConverter.toPayload(input),
    ]);
    expect(await decodePayloadAt(converter, 1, payloads)).toEqual(input);
    expect(await decodePayloadAt(converter, 0, payloads)).toBe('first');
  });

  it('decodes a failure, its details and its cause, which are unreadable encrypted', async () => {
    const error = ApplicationFailure.create({
      message: 'medical-insurance answered 503',
      type: 'DepartmentUnavailable',
      details: [{ attempt: 3 }],
      cause: new Error('socket hang up'),
    });
    const failure = await encryptFailure(
      converter.failureConverter.errorToFailure(error, defaultPayloadConverter),
    );
    expect(failure.message).not.toContain('503');

    const decoded = await decodeFailureToError(converter, failure);
    expect(decoded).toBeInstanceOf(ApplicationFailure);
    expect(decoded.message).toBe('medical-insurance answered 503');
    expect((decoded as ApplicationFailure).type).toBe('DepartmentUnavailable');
    expect((decoded as ApplicationFailure).details).toEqual([{ attempt: 3 }]);
    expect((decoded.cause as Error).message).toBe('socket hang up');
  });

  it('gives a protobuf timestamp as ISO text, and null for none', () => {
    const ts = proto.google.protobuf.Timestamp.fromObject({ seconds: 1_795_813_740, nanos: 478_369_641 });
    expect(timestampIso(ts)).toBe(new Date(1_795_813_740_478).toISOString());
    expect(timestampIso(null)).toBeNull();
    expect(timestampIso(undefined)).toBeNull();
  });
});

import { fromPayloadsAtIndex } from '@temporalio/common';
import type { LoadedDataConverter, Payload, ProtoFailure, Timestamp } from '@temporalio/common';

// Reading what Temporal holds (a workflow's input, a pending activity's last failure) the way the
// SDK's own client does, through its public interfaces only: the SDK's helpers for this live in
// `@temporalio/common/lib/…`, which is internal and may change in any release.

/** Runs payloads back through the converter's codecs, the last codec first (they encode first to last). */
async function decodePayloads(converter: LoadedDataConverter, payloads: Payload[]): Promise<Payload[]> {
  let decoded = payloads;
  for (const codec of [...converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
  return decoded;
}

/** The value at `index` of an event's payloads (a workflow's arguments), decoded and converted. */
export async function decodePayloadAt<T>(
  converter: LoadedDataConverter,
  index: number,
  payloads: Payload[] | null | undefined,
): Promise<T> {
  return fromPayloadsAtIndex<T>(
    converter.payloadConverter,
    index,
    payloads ? await decodePayloads(converter, payloads) : payloads,
  );
}

/** The failure with every payload it carries decoded: its message and stack trace (encoded
 * attributes), its details, and those of its causes. */
async function decodeFailure(converter: LoadedDataConverter, failure: ProtoFailure): Promise<ProtoFailure> {
  const decoded = async (payloads: { payloads?: Payload[] | null } | null | undefined) =>
    payloads ? { payloads: await decodePayloads(converter, payloads.payloads ?? []) } : undefined;
  const {
    encodedAttributes,
    cause,
    applicationFailureInfo,
    timeoutFailureInfo,
    canceledFailureInfo,
    resetWorkflowFailureInfo,
  } = failure;
  return {
    ...failure,
    encodedAttributes: encodedAttributes
      ? (await decodePayloads(converter, [encodedAttributes]))[0]
      : undefined,
    cause: cause ? await decodeFailure(converter, cause) : null,
    applicationFailureInfo: applicationFailureInfo
      ? { ...applicationFailureInfo, details: await decoded(applicationFailureInfo.details) }
      : undefined,
    timeoutFailureInfo: timeoutFailureInfo
      ? {
          ...timeoutFailureInfo,
          lastHeartbeatDetails: await decoded(timeoutFailureInfo.lastHeartbeatDetails),
        }
      : undefined,
    canceledFailureInfo: canceledFailureInfo
      ? { ...canceledFailureInfo, details: await decoded(canceledFailureInfo.details) }
      : undefined,
    resetWorkflowFailureInfo: resetWorkflowFailureInfo
      ? {
          ...resetWorkflowFailureInfo,
          lastHeartbeatDetails: await decoded(resetWorkflowFailureInfo.lastHeartbeatDetails),
        }
      : undefined,
  };
}

/** A failure Temporal holds (e.g. a pending activity's last one) as the error it stands for, decoded. */
export async function decodeFailureToError(
  converter: LoadedDataConverter,
  failure: ProtoFailure,
): Promise<Error> {
  return converter.failureConverter.failureToError(
    await decodeFailure(converter, failure),
    converter.payloadConverter,
  );
}

/** A protobuf timestamp as ISO 8601 text (to the millisecond), or null when there is none. */
export function timestampIso(ts: Timestamp | null | undefined): string | null {
  if (ts === null || ts === undefined) return null;
  // `seconds` is a Long, whose text is its decimal value.
  const ms = Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000);
  return new Date(ms).toISOString();
}

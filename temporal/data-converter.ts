import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './codec.js';
import type { DataKeySource, Keyring } from './codec.js';

/**
 * The failure converter that encodes messages and stack traces. A prebuilt workflow bundle must be
 * built with it (`bundleWorkflowCode({ failureConverterPath })`), or failures raised inside
 * workflows reach the server in clear text.
 */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/**
 * How the worker and every client turn values into payloads: each payload, failure messages
 * included, is encrypted before it leaves the process. Worker and clients must share the keyring.
 * With `dataKeys`, an application's payloads are encrypted with its own data key, so its
 * retention can erase them (crypto-shredding).
 */
export function dataConverterFor(keyring: Keyring, dataKeys?: DataKeySource): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring, dataKeys)], failureConverterPath };
}

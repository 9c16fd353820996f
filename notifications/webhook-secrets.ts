import { METADATA_ENCODING_KEY } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import type { WebhookSecretRow } from '../db/webhooks.js';
import { listWebhookSecretsToSeal, replaceWebhookSecret } from '../db/webhooks.js';
import type { Queryable } from '../db/pool.js';
import { ENCRYPTED_ENCODING, EncryptionCodec, KEY_ID_METADATA } from '../temporal/codec.js';
import type { Keyring } from '../temporal/codec.js';

/** A webhook secret as stored: sealed with the key `keyId`, or in clear text if it has none. */
export interface StoredWebhookSecret {
  secret: string;
  keyId: string | null;
}

/** A secret that cannot be opened: no keyring, a key no longer listed, or a row altered or swapped. */
export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}

// Sealed with the secret, so a ciphertext copied onto another webhook's row does not open there.
const WEBHOOK_ID_METADATA = 'onething-webhook-id';
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');

/**
 * Encrypts a webhook's signing secret with the keyring's current key: the payload codec's
 * AES-256-GCM over a payload that holds the secret and the webhook id. Stored as base64 with the
 * key id, so a rotated keyring still opens it while the old key is listed.
 */
export async function sealWebhookSecret(
  keyring: Keyring,
  webhookId: string,
  secret: string,
): Promise<{ secret: string; keyId: string }> {
  const plain: Payload = {
    metadata: {
      [METADATA_ENCODING_KEY]: Buffer.from('binary/plain'),
      [WEBHOOK_ID_METADATA]: Buffer.from(webhookId),
    },
    data: Buffer.from(secret, 'utf8'),
  };
  const [sealed] = await new EncryptionCodec(keyring).encode([plain]);
  return {
    secret: Buffer.from(sealed?.data ?? []).toString('base64'),
    keyId: text(sealed?.metadata?.[KEY_ID_METADATA]),
  };
}

/** The secret that signs the webhook's deliveries; a secret stored before encryption is returned as it is. */
export async function openWebhookSecret(
  keyring: Keyring | undefined,
  webhookId: string,
  stored: StoredWebhookSecret,
): Promise<string> {
  if (stored.keyId === null) return stored.secret;
  if (!keyring)
    throw new WebhookSecretError(`the secret of ${webhookId} is encrypted and no keyring was given`);
  let payload: Payload | undefined;
  try {
    [payload] = await new EncryptionCodec(keyring).decode([
      {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
          [KEY_ID_METADATA]: Buffer.from(stored.keyId),
        },
        data: Buffer.from(stored.secret, 'base64'),
      },
    ]);
  } catch (err) {
    throw new WebhookSecretError(`the secret of ${webhookId} cannot be decrypted: ${(err as Error).message}`);
  }
  if (text(payload?.metadata?.[WEBHOOK_ID_METADATA]) !== webhookId)
    throw new WebhookSecretError(`the secret stored for ${webhookId} was sealed for another webhook`);
  return text(payload?.data);
}

/**
 * Encrypts the secrets still in clear text (stored before encryption at rest) and re-encrypts
 * those under a former key with the current one, so a retired key can be dropped once none uses
 * it. A row whose key is no longer listed is left as it is, counted in `unreadable`. Safe to run
 * from several instances at once: a row changed by another in between is skipped.
 */
export async function sealStoredWebhookSecrets(
  db: Queryable,
  keyring: Keyring,
): Promise<{ sealed: number; unreadable: number }> {
  let sealed = 0;
  let unreadable = 0;
  for (const row of await listWebhookSecretsToSeal(db, keyring.currentKeyId)) {
    let secret: string;
    try {
      secret = await openWebhookSecret(keyring, row.id, storedSecretOf(row));
    } catch {
      unreadable += 1;
      continue;
    }
    if (await replaceWebhookSecret(db, row, await sealWebhookSecret(keyring, row.id, secret))) sealed += 1;
  }
  return { sealed, unreadable };
}

const storedSecretOf = (row: WebhookSecretRow): StoredWebhookSecret => ({
  secret: row.secret,
  keyId: row.secret_key_id,
});

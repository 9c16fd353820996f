import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  openWebhookSecret,
  sealWebhookSecret,
  WebhookSecretError,
} from '../../notifications/webhook-secrets.js';
import type { Keyring } from '../../temporal/codec.js';
import { randomKeyring } from '../../temporal/keyring.js';

const secret = `whsec_${randomBytes(32).toString('base64url')}`;

const openError = async (...args: Parameters<typeof openWebhookSecret>) => {
  const error: unknown = await openWebhookSecret(...args).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(WebhookSecretError);
  return error as WebhookSecretError;
};

describe('webhook secrets', () => {
  it('are stored sealed with the current key and open to the secret the portal got', async () => {
    const keyring = randomKeyring('k1');
    const sealed = await sealWebhookSecret(keyring, 'wh_1', secret);
    expect(sealed.keyId).toBe('k1');
    expect(sealed.secret).not.toContain(secret);
    expect(Buffer.from(sealed.secret, 'base64').toString('utf8')).not.toContain(secret);
    expect(await openWebhookSecret(keyring, 'wh_1', sealed)).toBe(secret);
    // A fresh IV each time: the same secret never seals to the same text.
    expect((await sealWebhookSecret(keyring, 'wh_1', secret)).secret).not.toBe(sealed.secret);
  });

  it('still open with a former key after a rotation', async () => {
    const old = randomKeyring('2026-01');
    const sealed = await sealWebhookSecret(old, 'wh_1', secret);
    const rotated: Keyring = {
      currentKeyId: '2026-07',
      keys: new Map([...old.keys, ['2026-07', randomBytes(32)]]),
    };
    expect(await openWebhookSecret(rotated, 'wh_1', sealed)).toBe(secret);
    expect((await sealWebhookSecret(rotated, 'wh_1', secret)).keyId).toBe('2026-07');
  });

  it('stored before encryption (no key id) are used as they are', async () => {
    expect(await openWebhookSecret(undefined, 'wh_1', { secret, keyId: null })).toBe(secret);
  });

  it('do not open without the key, with another key, altered, or on another webhook', async () => {
    const keyring = randomKeyring('k1');
    const sealed = await sealWebhookSecret(keyring, 'wh_1', secret);
    expect((await openError(undefined, 'wh_1', sealed)).message).toContain('no keyring');
    expect((await openError(randomKeyring('k2'), 'wh_1', sealed)).message).toContain('k1');
    expect((await openError(randomKeyring('k1'), 'wh_1', sealed)).message).toContain('cannot be decrypted');
    const bytes = Buffer.from(sealed.secret, 'base64');
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    await openError(keyring, 'wh_1', { ...sealed, secret: bytes.toString('base64') });
    expect((await openError(keyring, 'wh_2', sealed)).message).toContain('another webhook');
  });
});

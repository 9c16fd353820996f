import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../clients/typescript/src/index.js';
import { signWebhookBody } from '../../notifications/signature.js';
import { clientTypesPath, clientTypesText } from '../../scripts/openapi-files.js';

describe('the typed client (clients/typescript)', () => {
  it('has types generated from the document as it is now (else: npm run client:types)', async () => {
    const committed = await readFile(new URL(`../../${clientTypesPath}`, import.meta.url), 'utf8');
    expect(committed === (await clientTypesText()), 'stale: run `npm run client:types`').toBe(true);
  }, 60_000);

  it('verifies a webhook signature exactly as the server signs it', () => {
    const body = JSON.stringify({ id: 'a:1', seq: 1 });
    const now = 1_800_000_000;
    const header = signWebhookBody('whsec_test', body, now);
    expect(verifyWebhookSignature('whsec_test', body, header, { nowSeconds: now })).toBe(true);
    expect(verifyWebhookSignature('whsec_other', body, header, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature('whsec_test', `${body} `, header, { nowSeconds: now })).toBe(false);
    // An old delivery may be a replay.
    expect(verifyWebhookSignature('whsec_test', body, header, { nowSeconds: now + 301 })).toBe(false);
    expect(verifyWebhookSignature('whsec_test', body, undefined)).toBe(false);
  });
});

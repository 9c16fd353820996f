import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { newborn } from '../../bundles/newborn.js';
import { findApplicationsOfApplicant } from '../../db/applications.js';
import { createPool } from '../../db/pool.js';
import type { Pool } from '../../db/pool.js';
import { migrateToKeyring } from '../../privacy/keyring-migration.js';
import { applicantHashes } from '../../privacy/lookup-hash.js';
import { attachDataKeys } from '../../privacy/sealer.js';
import { ended } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
const pools: Pool[] = [];
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await stack?.close();
});

const idNumber = (newborn.example as unknown as { applicant: { idNumber: string } }).applicant.idNumber;

describe('a keyring rotation', () => {
  it('is brought to the data once, and the applicant is still found after the old key is dropped', async () => {
    const submitted = await stack.submit(newborn.example);
    expect(submitted.status).toBe(201);
    // Ended first: the stack's own processes keep the old keyring only.
    await stack.waitForApplication(submitted.body.id, ended);

    // A new key becomes current; the former one is still listed.
    const rotated = {
      currentKeyId: 'second',
      keys: new Map([...stack.keyring.keys, ['second', randomBytes(32)]]),
    };
    const pool = createPool(stack.databaseUrl, 2);
    pools.push(pool);
    const dataKeys = attachDataKeys(pool, rotated);
    const first = await migrateToKeyring(pool, dataKeys, rotated, { batch: 2 });
    expect(first).toMatchObject({ skipped: false, complete: true, unreadable: 0 });
    expect(first.skipped === false && first.rehashed).toBeGreaterThanOrEqual(1);
    expect(first.skipped === false && first.rewrapped).toBeGreaterThanOrEqual(1);

    // The next start with the same keyring asks whether it was done, and scans nothing.
    const query = vi.spyOn(pool, 'query');
    expect(await migrateToKeyring(pool, dataKeys, rotated)).toEqual({ skipped: true });
    expect(query).toHaveBeenCalledTimes(1);
    query.mockRestore();

    // The former key goes: lookups hash under the new key alone, and still find the application.
    const newOnly = {
      currentKeyId: 'second',
      keys: new Map([['second', rotated.keys.get('second') as Buffer]]),
    };
    const after = createPool(stack.databaseUrl, 2);
    pools.push(after);
    const afterKeys = attachDataKeys(after, newOnly);
    // Another keyring state: one more pass, with nothing left to change.
    expect(await migrateToKeyring(after, afterKeys, newOnly)).toMatchObject({
      skipped: false,
      rehashed: 0,
      rewrapped: 0,
      unreadable: 0,
    });
    const found = await findApplicationsOfApplicant(
      after,
      'test-portal',
      applicantHashes(newOnly, idNumber),
      100,
    );
    expect(found.map((a) => a.id)).toContain(submitted.body.id);
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessStartup } from '../../bundles/business-startup.js';
import { insertMaterial } from '../../db/materials.js';
import { createDirectoryStore } from '../../materials/directory-store.js';
import { signedMaterialUrl } from '../../materials/links.js';
import { migrateToKeyring } from '../../privacy/keyring-migration.js';
import { attachDataKeys } from '../../privacy/sealer.js';
import type { MaterialLink, MaterialView } from '../../schemas/materials.js';
import { randomKeyring } from '../../temporal/keyring.js';
import { eventually } from '../support/eventually.js';
import { legacySealedMaterial, sampleMaterials } from '../support/material-files.js';
import { ended } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

// The stack's processes hold this keyring; rotating it in place is what a redeploy with a new
// ENCRYPTION_KEYS does to the API that serves material links.
const first = randomKeyring('first');
const keyring = { currentKeyId: 'first', keys: new Map(first.keys) };
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ keyring });
});
afterAll(async () => {
  await stack?.close();
});

async function upload(bytes: Buffer): Promise<MaterialView> {
  const response = await fetch(`${stack.apiUrl}/v1/materials`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.keys.portal}`, 'content-type': 'application/pdf' },
    body: bytes,
  });
  expect(response.status).toBe(201);
  return (await response.json()) as MaterialView;
}

/** A material stored before keys moved to rows: its key in front of its bytes, none in its row. */
async function legacyMaterial(bytes: Buffer): Promise<string> {
  const id = `mat_${randomBytes(16).toString('hex')}`;
  await createDirectoryStore(stack.materialDir).put(
    `materials/${id}`,
    legacySealedMaterial(keyring, id, bytes),
  );
  await insertMaterial(stack.pool, {
    id,
    portal: 'test-portal',
    size: bytes.length,
    content_type: 'application/pdf',
    sha256: '0'.repeat(64),
    storage_key: `materials/${id}`,
  });
  return id;
}

/** Which keyring key wraps each material's key in its row (null: none there). */
const keysOf = async (ids: string[]) => {
  const { rows } = await stack.pool.query<{ id: string; kek_id: string | null }>(
    'SELECT id, kek_id FROM materials WHERE id = ANY($1::text[])',
    [ids],
  );
  return ids.map((id) => rows.find((r) => r.id === id)?.kek_id);
};

describe("a keyring rotation and materials' data keys", () => {
  it('re-wraps them, so every material still opens by its signed link once the former key is retired', async () => {
    const scan = sampleMaterials.pdf();
    const material = await upload(scan);
    const oldScan = sampleMaterials.pdf();
    const legacy = await legacyMaterial(oldScan);
    expect(await keysOf([material.id, legacy])).toEqual(['first', null]);

    const request = structuredClone(businessStartup.example) as { form: Record<string, unknown> };
    request.form['addressProof'] = material.id;
    const submitted = await stack.submit(request);
    expect(submitted.status).toBe(201);
    const applicationId = submitted.body.id;
    const entry = await eventually('the registration call', async () =>
      (await stack.simulator.ledger({ keyPrefix: `${applicationId}:registration` })).find(
        (e) => e.outcome === 'done',
      ),
    );
    const link = (entry.input as { addressProof: MaterialLink }).addressProof;
    // Ended before the rotation: no workflow of this stack runs under the keyring meanwhile.
    await stack.waitForApplication(applicationId, ended);

    // A new key becomes current, the former one still listed; the keyring pass runs.
    keyring.keys.set('second', randomBytes(32));
    keyring.currentKeyId = 'second';
    const pass = await migrateToKeyring(stack.pool, attachDataKeys(stack.pool, keyring), keyring, {
      batch: 1,
      materials: stack.materials,
    });
    expect(pass).toMatchObject({
      skipped: false,
      complete: true,
      materialKeysRewrapped: 2,
      materialKeysUnreadable: 0,
    });
    expect(await keysOf([material.id, legacy])).toEqual(['second', 'second']);

    // The former key is retired.
    keyring.keys.delete('first');
    const linkTo = (materialId: string) =>
      signedMaterialUrl(stack.apiUrl, keyring, {
        materialId,
        applicationId,
        department: 'market-regulation',
        stepId: 'registration',
        expires: Math.floor(Date.now() / 1000) + 600,
      });
    for (const [id, bytes] of [
      [material.id, scan],
      [legacy, oldScan],
    ] as const) {
      const response = await fetch(linkTo(id));
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    }
    // A link signed under the retired key is refused, as any link whose key is unknown.
    const stale = await fetch(link.url);
    expect([stale.status, ((await stale.json()) as { code: string }).code]).toEqual([
      403,
      'MATERIAL_LINK_INVALID',
    ]);

    // Nothing left to re-wrap under this keyring.
    expect(await stack.materials.rewrapAll()).toEqual({ rewrapped: 0, unreadable: 0 });
  }, 120_000);
});

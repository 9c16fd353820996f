import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryStore } from '../../materials/directory-store.js';
import { Materials } from '../../materials/materials.js';
import type { ObjectStore } from '../../materials/object-store.js';
import { createS3Store } from '../../materials/s3-store.js';
import { randomKeyring } from '../../temporal/keyring.js';
import { sampleMaterials } from '../support/material-files.js';
import { motoCredentials, startMotoServer } from '../support/moto-server.js';

const bucket = 'onething-materials';
let moto: Awaited<ReturnType<typeof startMotoServer>>;
let directory: string;

beforeAll(async () => {
  moto = await startMotoServer(bucket);
  directory = await mkdtemp(join(tmpdir(), 'onething-store-'));
}, 60_000);
afterAll(async () => {
  await moto?.stop();
  if (directory) await rm(directory, { recursive: true, force: true });
});

/** Each store, and how to read what it holds behind its back (the disk, the bucket). */
const stores: Array<{ name: string; make: () => ObjectStore; raw: (key: string) => Promise<Buffer> }> = [
  {
    name: 'the directory store',
    make: () => createDirectoryStore(directory),
    raw: (key) => readFile(join(directory, key)),
  },
  {
    name: 'the S3 store (moto)',
    make: () =>
      createS3Store({
        bucket,
        region: 'us-east-1',
        endpoint: moto.endpoint,
        forcePathStyle: true,
        credentials: motoCredentials,
        prefix: 'onething/',
      }),
    raw: async (key) => {
      const client = new S3Client({
        endpoint: moto.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: motoCredentials,
      });
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `onething/${key}` }));
        return Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
      } finally {
        client.destroy();
      }
    },
  },
];

describe.each(stores)('$name', ({ make, raw }) => {
  it('keeps what is put under a key, answers nothing for a missing one, and deletes', async () => {
    const store = make();
    const key = `materials/mat_${randomBytes(16).toString('hex')}`;
    const bytes = randomBytes(300_000);
    expect(await store.get(key)).toBeUndefined();
    await store.put(key, bytes);
    expect((await store.get(key))?.equals(bytes)).toBe(true);
    expect((await raw(key)).equals(bytes)).toBe(true);
    await store.delete(key);
    expect(await store.get(key)).toBeUndefined();
    await store.delete(key);
    await store.close();
  });

  it('refuses keys that could leave its place', async () => {
    const store = make();
    for (const key of ['../outside', 'materials/../../x', '/absolute', '']) {
      await expect(store.put(key, Buffer.from('x')), key).rejects.toThrow(/not a store key/);
    }
    await store.close();
  });

  it('holds a material encrypted: the bytes at rest are not the upload, and open only with the keyring', async () => {
    const store = make();
    const rows: unknown[][] = [];
    // The metadata row as PostgreSQL would return it; this test is about the store.
    const db = {
      query: async (_sql: string, values: unknown[]) => {
        rows.push(values);
        const [id, portal, size, contentType, sha256, storageKey, kekId, wrappedKey] = values;
        return {
          rows: [
            {
              id,
              portal,
              size,
              content_type: contentType,
              sha256,
              storage_key: storageKey,
              kek_id: kekId,
              wrapped_key: wrappedKey,
              created_at: new Date(),
            },
          ],
        };
      },
    };
    const keyring = randomKeyring();
    const materials = new Materials(db as never, store, keyring);
    const upload = sampleMaterials.pdf();
    const row = await materials.upload('test-portal', upload, 'application/pdf');
    const atRest = await raw(row.storage_key);
    expect(atRest.equals(upload)).toBe(false);
    expect(atRest.includes(upload.subarray(0, 32))).toBe(false);
    expect(atRest.includes(upload.subarray(1000, 1032))).toBe(false);
    // What PostgreSQL holds: metadata and the wrapped data key, never the bytes; the store holds
    // no key, so its objects alone (a copy of the bucket) open nothing.
    expect(rows[0]).toEqual([
      row.id,
      'test-portal',
      upload.length,
      'application/pdf',
      row.sha256,
      `materials/${row.id}`,
      keyring.currentKeyId,
      expect.any(Buffer),
    ]);
    expect(atRest.includes(row.wrapped_key as Buffer)).toBe(false);
    const findRow = { query: async () => ({ rows: [row] }) };
    const reader = new Materials(findRow as never, store, keyring);
    expect((await reader.read(row.id))?.bytes.equals(upload)).toBe(true);
    const stranger = new Materials(findRow as never, store, randomKeyring());
    await expect(stranger.read(row.id)).rejects.toThrow();
    await store.close();
  });
});

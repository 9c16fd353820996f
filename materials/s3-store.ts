import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { checkStoreKey } from './object-store.js';
import type { ObjectStore } from './object-store.js';

/** Where an S3-compatible object store is and how to sign in to it (`MATERIAL_S3_*`). */
export interface S3StoreOptions {
  bucket: string;
  region: string;
  /** Another endpoint than AWS's: MinIO, SeaweedFS, a provincial cloud's object storage. */
  endpoint?: string;
  /** Path-style addressing (`<endpoint>/<bucket>/<key>`), which most S3-compatible servers need. */
  forcePathStyle?: boolean;
  /** Static credentials; without them the SDK's default chain (environment, instance role) is used. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Put before every key, e.g. `onething/`, when the bucket is shared. */
  prefix?: string;
}

/** The production object store: an S3-compatible bucket, through the AWS SDK. */
export function createS3Store(options: S3StoreOptions): ObjectStore {
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  const keyOf = (key: string) => `${options.prefix ?? ''}${checkStoreKey(key)}`;
  return {
    async put(key, bytes) {
      await client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: keyOf(key),
          Body: bytes,
          ContentType: 'application/octet-stream',
          // The bytes are already encrypted; the store's own encryption is for its disks.
        }),
      );
    },
    async get(key) {
      try {
        const answer = await client.send(new GetObjectCommand({ Bucket: options.bucket, Key: keyOf(key) }));
        if (!answer.Body) return undefined;
        return Buffer.from(await answer.Body.transformToByteArray());
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return undefined;
        throw err;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: keyOf(key) }));
    },
    async close() {
      client.destroy();
    },
  };
}

import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Queryable } from '../db/pool.js';
import { materialTypes } from '../schemas/materials.js';
import type { Keyring } from '../temporal/codec.js';
import { createDirectoryStore } from './directory-store.js';
import { Materials } from './materials.js';
import type { ObjectStore } from './object-store.js';
import { createS3Store } from './s3-store.js';

/** The object store the configuration names (`MATERIAL_STORE`). */
export function objectStoreFromConfig(config: Config): ObjectStore {
  if (config.MATERIAL_STORE === 's3') {
    return createS3Store({
      bucket: config.MATERIAL_S3_BUCKET ?? '',
      region: config.MATERIAL_S3_REGION,
      ...(config.MATERIAL_S3_ENDPOINT ? { endpoint: config.MATERIAL_S3_ENDPOINT } : {}),
      ...(config.MATERIAL_S3_FORCE_PATH_STYLE !== undefined
        ? { forcePathStyle: config.MATERIAL_S3_FORCE_PATH_STYLE }
        : {}),
      ...(config.MATERIAL_S3_ACCESS_KEY_ID && config.MATERIAL_S3_SECRET_ACCESS_KEY
        ? {
            credentials: {
              accessKeyId: config.MATERIAL_S3_ACCESS_KEY_ID,
              secretAccessKey: config.MATERIAL_S3_SECRET_ACCESS_KEY,
            },
          }
        : {}),
      ...(config.MATERIAL_S3_PREFIX ? { prefix: config.MATERIAL_S3_PREFIX } : {}),
    });
  }
  return createDirectoryStore(config.MATERIAL_DIR ?? join(config.DATA_DIR, 'materials'));
}

/** Materials over `db` and the configured store, with the configured limits. */
export function materialsFromConfig(
  config: Config,
  db: Queryable,
  keyring: Keyring,
  store: ObjectStore,
): Materials {
  return new Materials(db, store, keyring, {
    maxBytes: config.MATERIAL_MAX_BYTES,
    types: config.MATERIAL_TYPES ?? materialTypes,
  });
}

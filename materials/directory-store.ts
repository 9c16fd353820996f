import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { checkStoreKey } from './object-store.js';
import type { ObjectStore } from './object-store.js';

/**
 * The embedded object store: one file per key under a directory (`<DATA_DIR>/materials` by
 * default). A file is written beside its place and renamed into it after an fsync, so a crash
 * leaves either the whole object or none.
 */
export function createDirectoryStore(root: string): ObjectStore {
  const pathOf = (key: string) => join(root, checkStoreKey(key));
  return {
    async put(key, bytes) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const temporary = `${path}.${randomUUID()}.partial`;
      const file = await open(temporary, 'wx', 0o600);
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, path);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async close() {},
  };
}

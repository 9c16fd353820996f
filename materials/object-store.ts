/**
 * Where materials' (encrypted) bytes live: outside Temporal and outside PostgreSQL rows, which
 * hold only their metadata. Keys are made by Onething (`materials/<id>`), never by a caller.
 */
export interface ObjectStore {
  /** Stores `bytes` under `key`, replacing nothing: a key is written once. */
  put(key: string, bytes: Buffer): Promise<void>;
  /** The bytes stored under `key`, or undefined when there are none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Releases connections; the store is not used afterwards. */
  close(): Promise<void>;
}

/** Keys are `materials/<id>`-like paths: letters, digits, `_`, `-`, `.` and `/`, no `..`. */
export function checkStoreKey(key: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_./-]{0,255}$/.test(key) || key.split('/').includes('..'))
    throw new Error(`not a store key: ${JSON.stringify(key)}`);
  return key;
}

import type { Client } from '@temporalio/client';
import { bundleCatalog } from '../bundles/index.js';
import { createPool } from '../db/pool.js';
import { Materials } from '../materials/materials.js';
import type { ObjectStore } from '../materials/object-store.js';
import { buildApp } from './app.js';

/**
 * The OpenAPI document as /docs/json serves it, without a running stack: the document depends
 * on the routes and the bundle catalogue only. The pool is never connected (nothing is asked of
 * it) and the Temporal client is never called; the codec and materials routes are included, as in the stack.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const pool = createPool('postgres://document@127.0.0.1:1/none', 1);
  const app = await buildApp({
    pool,
    temporal: {} as Client,
    taskQueue: 'document',
    bundles: bundleCatalog,
    codecServer: { codec: { encode: async (p) => p, decode: async (p) => p }, allowedOrigins: [] },
    // Never called: the materials routes exist, as in the stack.
    materials: new Materials(pool, {} as ObjectStore, { currentKeyId: 'document', keys: new Map() }),
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await pool.end();
  }
}

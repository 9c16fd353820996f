import type { Client } from '@temporalio/client';
import { bundleCatalog } from '../bundles/index.js';
import { createPool } from '../db/pool.js';
import { buildApp } from './app.js';

/**
 * The OpenAPI document as /docs/json serves it, without a running stack: the document depends
 * on the routes and the bundle catalogue only. The pool is never connected (nothing is asked of
 * it) and the Temporal client is never called; the codec routes are included, as in the stack.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const pool = createPool('postgres://document@127.0.0.1:1/none', 1);
  const app = await buildApp({
    pool,
    temporal: {} as Client,
    taskQueue: 'document',
    bundles: bundleCatalog,
    codecServer: { codec: { encode: async (p) => p, decode: async (p) => p }, allowedOrigins: [] },
  });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
    await pool.end();
  }
}

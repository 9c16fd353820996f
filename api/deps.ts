import type { Client } from '@temporalio/client';
import type { BundleDefinition } from '../bundles/definition.js';
import type { Pool } from '../db/pool.js';

/** What the API's routes need; `buildApp` receives it from the composition root. */
export interface ApiDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  bundles: ReadonlyMap<string, BundleDefinition>;
}

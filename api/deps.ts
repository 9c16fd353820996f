import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { BundleDefinition, StepDeciders } from '../bundles/definition.js';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import type { Pool } from '../db/pool.js';
import type { EventFeed } from '../notifications/listener.js';
import type { TaskMetrics } from '../tasks/metrics.js';

/** What the API's routes need; `buildApp` receives it from the composition root. */
export interface ApiDeps {
  pool: Pool;
  temporal: Client;
  taskQueue: string;
  bundles: ReadonlyMap<string, BundleDefinition>;
  /** The codec endpoint for the Temporal UI (`/codec/*`); without it those routes do not exist. */
  codecServer?: CodecServerDeps;
  /** Wakes event streams when events are written; without it they poll the database. */
  events?: EventFeed;
  /**
   * The secrets each department signs its callbacks with, by key id. A department without any
   * cannot call back: its callbacks are refused.
   */
  callbackKeys?: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** This deployment's choice of who decides which steps (`<bundle>.<step>`), over the bundles' own. */
  stepDeciders?: StepDeciders;
  /** Working days and holidays for due dates; the shipped mainland calendar when absent. */
  calendar?: BusinessCalendar;
  /** The counters served at `GET /metrics` (the worker's too, when it shares them); fresh ones when absent. */
  metrics?: TaskMetrics;
  /** The Temporal Web UI the operator views link to; the embedded dev server's when absent. */
  temporalUiUrl?: string;
}

/** The codec the worker and clients use, and the browser origins (the Temporal UI) that may call it. */
export interface CodecServerDeps {
  codec: PayloadCodec;
  allowedOrigins: readonly string[];
}

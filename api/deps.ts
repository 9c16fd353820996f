import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import type { BundleDefinition, StepDeciders } from '../bundles/definition.js';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import type { Pool } from '../db/pool.js';
import type { EventFeed } from '../notifications/listener.js';
import type { WebhookTargetPolicy } from '../notifications/webhook-targets.js';
import type { ServiceMetrics } from '../metrics/service.js';
import type { Keyring } from '../temporal/codec.js';
import type { Materials } from '../materials/materials.js';
import type { SignatureAlgorithm } from '../departments/signing.js';
import type { OidcRelyingParty } from './auth/oidc.js';

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
  /** Departments whose callbacks are signed with another HMAC than HMAC-SHA256 (国密: HMAC-SM3). */
  signatureAlgorithms?: ReadonlyMap<string, SignatureAlgorithm>;
  /** This deployment's choice of who decides which steps (`<bundle>.<step>`), over the bundles' own. */
  stepDeciders?: StepDeciders;
  /** Working days and holidays for due dates; the shipped mainland calendar when absent. */
  calendar?: BusinessCalendar;
  /** The counters served at `GET /metrics` (the worker's too, when it shares them); fresh ones when absent. */
  metrics?: ServiceMetrics;
  /** The Temporal SDK's Prometheus endpoint in this process, appended to `GET /metrics`. */
  temporalMetricsUrl?: string;
  /**
   * How long a failed step waits for an operator's repair before its application fails
   * (`FAILED_STEP_HOLD`); absent: it fails at once.
   */
  failedStepHold?: string;
  /** The Temporal Web UI the operator views link to; the embedded dev server's when absent. */
  temporalUiUrl?: string;
  /**
   * The deployment's keyring (`ENCRYPTION_KEYS`), which seals webhook secrets before they are
   * stored; without it webhooks cannot be registered.
   */
  keyring?: Keyring;
  /**
   * Uploaded materials (scans, photos) and their object store; without it `POST /v1/materials`
   * and the material links do not exist. Links are verified with `keyring`.
   */
  materials?: Materials;
  /** Which webhook URLs may be registered; strict (public https only) when absent. */
  webhookTargets?: WebhookTargetPolicy;
  /** People sign in through the organisation's OpenID provider; unset: API keys only. */
  oidc?: OidcRelyingParty;
}

/** The codec the worker and clients use, and the browser origins (the Temporal UI) that may call it. */
export interface CodecServerDeps {
  codec: PayloadCodec;
  allowedOrigins: readonly string[];
}

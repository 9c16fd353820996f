import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Logger } from 'pino';
import { parseStepDeciders } from '../bundles/definition.js';
import { bundleCatalog } from '../bundles/index.js';
import { retentionPolicyOf } from '../bundles/retention.js';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import { loadBusinessCalendar, logEstimates } from '../calendar/load.js';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import { durationMs } from '../schemas/durations.js';
import { migrate } from '../db/migrate.js';
import { createPool } from '../db/pool.js';
import type { DataKeys } from '../privacy/data-keys.js';
import { migrateToKeyring } from '../privacy/keyring-migration.js';
import { attachDataKeys } from '../privacy/sealer.js';
import type { Pool, PoolTls } from '../db/pool.js';
import { applyCatalog, readCatalogFile } from '../departments/catalog-file.js';
import { loadDepartmentSettings } from '../departments/configuration.js';
import { allBundles } from '../bundles/all.js';
import { checkBundle, formatProblems } from '../bundles/check.js';
import type { DepartmentSettings } from '../departments/configuration.js';
import { loadDutyChannels } from '../notifications/duty-channels.js';
import { sealStoredWebhookSecrets } from '../notifications/webhook-secrets.js';
import { webhookTargetPolicyOf } from '../notifications/webhook-targets.js';
import { startMetricsServer } from '../metrics/http.js';
import { createServiceMetrics } from '../metrics/service.js';
import type { ServiceMetrics } from '../metrics/service.js';
import { tracingFromConfig } from '../telemetry/tracing.js';
import type { Tracing } from '../telemetry/tracing.js';
import { tracingClientInterceptors } from '../temporal/tracing.js';
import { EncryptionCodec } from '../temporal/codec.js';
import type { Keyring } from '../temporal/codec.js';
import { temporalConnectionSettings } from '../temporal/connection.js';
import type { TemporalConnectionSettings } from '../temporal/connection.js';
import { dataConverterFor } from '../temporal/data-converter.js';
import { loadKeyring } from '../temporal/keyring.js';
import { startApiRole } from './api-role.js';
import type { ApiRole } from './api-role.js';
import { installTemporalRuntime } from './runtime.js';
import { loadVideoProvider } from './video-module.js';
import { startWorkerRole } from './worker-role.js';
import { materialsFromConfig, objectStoreFromConfig } from '../materials/from-config.js';
import type { Materials } from '../materials/materials.js';
import type { WorkerRole } from './worker-role.js';
import { relyingPartyFromConfig } from './oidc.js';
import type { DevOidcClient } from './oidc.js';

/** Where the services a process depends on are: configured, or started by the embedded stack. */
export interface Endpoints {
  temporalAddress: string;
  databaseUrl: string;
  /** The departments' base URL when not in the configuration (the embedded simulator's). */
  departmentsUrl?: string;
}

/** What every role of one process shares: one pool, one keyring, one set of adapters. */
export interface SharedParts {
  /** Its sealer attached: personal columns are encrypted with each application's data key. */
  pool: Pool;
  keyring: Keyring;
  /** The applications' data keys, wrapped by the keyring: the codec's and the sealer's. */
  dataKeys: DataKeys;
  dataConverter: DataConverter;
  departments: DepartmentSettings;
  calendar: BusinessCalendar;
  /** One registry per process: the API serves the worker's counters when both run in it. */
  metrics: ServiceMetrics;
  /** The Temporal SDK's Prometheus endpoint in this process, served with `metrics`. */
  temporalMetricsUrl: string;
  /** Installed when the OTEL_* variables name a collector; undefined: nothing traces. */
  tracing: Tracing | undefined;
  temporal: TemporalConnectionSettings;
  /** Uploaded materials over the configured object store (`MATERIAL_STORE`). */
  materials: Materials;
  close(): Promise<void>;
}

/**
 * Opens what a process's roles share and migrates the database: every process migrates at start,
 * serialised by an advisory lock, so one applies the new files and the others find them applied.
 */
export async function openSharedParts(
  config: Config,
  endpoints: Endpoints,
  log: Logger,
): Promise<SharedParts> {
  // Before anything connects: production without encryption keys does not start at all.
  const keyring = await loadKeyring(config);
  const temporal = temporalConnectionSettings(endpoints.temporalAddress, config);
  // Once per process, before any connection: the SDK's logs and metrics exporter.
  const { metricsUrl: temporalMetricsUrl } = await installTemporalRuntime(config, log);
  const tracing = tracingFromConfig(config);
  const pool = createPool(endpoints.databaseUrl, config.DATABASE_POOL_SIZE, poolTls(config));
  const dataKeys = attachDataKeys(pool, keyring);
  const closers: Array<() => Promise<unknown>> = [() => pool.end()];
  const close = async () => {
    for (const step of closers.splice(0).reverse()) await step().catch(() => undefined);
  };
  if (tracing) closers.push(() => tracing.shutdown());
  try {
    const applied = await migrate(pool);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
    if (config.DEPARTMENT_CATALOG) await loadCatalogFile(config.DEPARTMENT_CATALOG);
    const departments = await loadDepartmentSettings(config, {
      ...(endpoints.departmentsUrl ? { departmentsUrl: endpoints.departmentsUrl } : {}),
    });
    const store = objectStoreFromConfig(config);
    closers.push(() => store.close());
    const materials = materialsFromConfig(config, pool, keyring, store);
    const metrics = createServiceMetrics();
    if (config.METRICS_PORT !== undefined) {
      const server = await startMetricsServer(
        { host: config.METRICS_HOST, port: config.METRICS_PORT },
        { metrics, pool, temporalMetricsUrl },
      );
      closers.push(() => server.close());
      log.info({ url: `${server.url}/metrics` }, 'metrics served for scraping without a key');
    }
    return {
      pool,
      keyring,
      dataKeys,
      dataConverter: dataConverterFor(keyring, dataKeys),
      departments,
      calendar: loadBusinessCalendar(config.BUSINESS_CALENDAR_FILE, logEstimates(log)),
      metrics,
      temporalMetricsUrl,
      tracing,
      temporal,
      materials,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function poolTls(config: Config): PoolTls | undefined {
  if (config.DATABASE_SSL_MODE === undefined) return undefined;
  let ca: string | undefined;
  if (config.DATABASE_CA_FILE) {
    try {
      ca = readFileSync(config.DATABASE_CA_FILE, 'utf8');
    } catch (err) {
      throw new ConfigError(
        `DATABASE_CA_FILE (${config.DATABASE_CA_FILE}) cannot be read: ${(err as Error).message}`,
      );
    }
  }
  return { mode: config.DATABASE_SSL_MODE, ...(ca ? { ca } : {}) };
}

/** The worker role as the configuration says; `health` for a process of its own. */
export async function startWorkerFromConfig(
  config: Config,
  shared: SharedParts,
  log: Logger,
  options: { health?: { host: string; port: number } } = {},
): Promise<WorkerRole> {
  return startWorkerRole({
    temporal: shared.temporal,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    pool: shared.pool,
    adapters: shared.departments.adapters,
    dataConverter: shared.dataConverter,
    calendar: shared.calendar,
    metrics: shared.metrics,
    temporalMetricsUrl: shared.temporalMetricsUrl,
    ...(shared.tracing ? { tracing: shared.tracing } : {}),
    video: await loadVideoProvider(config),
    materialLinks: {
      materials: shared.materials,
      keyring: shared.keyring,
      baseUrl: () => config.MATERIAL_LINK_BASE_URL ?? `http://${config.API_HOST}:${config.API_PORT}`,
      ttlSeconds: durationMs(config.MATERIAL_LINK_TTL) / 1000,
    },
    retention: retentionPolicyOf(bundleCatalog.values(), {
      ...(config.RETENTION_DAYS ? { overrides: config.RETENTION_DAYS } : {}),
      ...(config.RETENTION_ACCESS_LOG_DAYS ? { accessLogDays: config.RETENTION_ACCESS_LOG_DAYS } : {}),
      ...(config.RETENTION_AUDIT_LOG_DAYS ? { auditLogDays: config.RETENTION_AUDIT_LOG_DAYS } : {}),
      unreferencedMaterialMs: durationMs(config.MATERIAL_UNREFERENCED_RETENTION),
    }),
    forgetDataKey: (applicationId) => shared.dataKeys.forget(applicationId),
    tuning: { shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE },
    ...(config.WORKFLOW_BUNDLE_PATH ? { workflowBundle: { codePath: config.WORKFLOW_BUNDLE_PATH } } : {}),
    ...(options.health ? { health: options.health } : {}),
    log,
  });
}

/** The API role (API and webhook dispatcher) as the configuration says. */
export async function startApiFromConfig(
  config: Config,
  shared: SharedParts,
  log: Logger,
  options: { temporalUiUrl?: string; devOidc?: DevOidcClient } = {},
): Promise<ApiRole> {
  const oidc = relyingPartyFromConfig(config, options.devOidc);
  // Secrets stored in clear text before they were encrypted at rest, or under a retired key.
  const resealed = await sealStoredWebhookSecrets(shared.pool, shared.keyring);
  if (resealed.sealed > 0)
    log.info({ webhooks: resealed.sealed }, 'webhook secrets sealed with the current key');
  if (resealed.unreadable > 0) {
    log.warn(
      { webhooks: resealed.unreadable },
      'webhook secrets sealed with a key ENCRYPTION_KEYS no longer lists: their deliveries fail until it is listed again',
    );
  }
  // Data stored in clear before encryption at rest, or under a former key: in the background.
  const reseal = new AbortController();
  // Once per keyring change: a start whose keyring was reached before scans nothing.
  const resealing = migrateToKeyring(shared.pool, shared.dataKeys, shared.keyring, {
    signal: reseal.signal,
    materials: shared.materials,
  })
    .then((r) => {
      if (!r.skipped) log.info(r, 'stored citizen data brought to the current keys');
    })
    .catch((err: unknown) =>
      log.warn({ err }, 'bringing stored data to the current keys failed; the next start retries'),
    );
  const stopResealing = async () => {
    reseal.abort();
    await resealing;
  };
  const connection = await Connection.connect(shared.temporal);
  try {
    const temporal = new Client({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      dataConverter: shared.dataConverter,
      ...(shared.tracing ? { interceptors: tracingClientInterceptors() } : {}),
    });
    const role = await startApiRole({
      deps: {
        pool: shared.pool,
        temporal,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        bundles: bundleCatalog,
        codecServer: {
          codec: new EncryptionCodec(shared.keyring, shared.dataKeys),
          allowedOrigins: temporalUiOrigins(config),
        },
        callbackKeys: shared.departments.callbackKeys,
        signatureAlgorithms: shared.departments.signatureAlgorithms,
        calendar: shared.calendar,
        metrics: shared.metrics,
        temporalMetricsUrl: shared.temporalMetricsUrl,
        stepDeciders: parseStepDeciders(config.WORKLIST_OVERRIDES, bundleCatalog.values()),
        failedStepHold: config.FAILED_STEP_HOLD,
        temporalUiUrl:
          config.TEMPORAL_UI_URL ?? options.temporalUiUrl ?? `http://127.0.0.1:${config.TEMPORAL_UI_PORT}`,
        keyring: shared.keyring,
        materials: shared.materials,
        webhookTargets: webhookTargetPolicyOf(config),
        ...(oidc ? { oidc } : {}),
      },
      app: {
        rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
        ...(config.TRUST_PROXY ? { trustProxy: config.TRUST_PROXY } : {}),
      },
      listen: { host: config.API_HOST, port: config.API_PORT },
      retentionEvery: config.RETENTION_EVERY,
      webhooks: { retryForMs: durationMs(config.WEBHOOK_RETRY_FOR) },
      duty: { channels: await loadDutyChannels(config.DUTY_CHANNELS_FILE) },
      log,
    });
    return {
      ...role,
      async stop() {
        await stopResealing();
        await role.stop();
        await connection.close();
      },
    };
  } catch (err) {
    await stopResealing();
    await connection.close();
    throw err;
  }
}

/** The Temporal UI origins the codec endpoint answers CORS for. */
function temporalUiOrigins(config: Config): string[] {
  if (config.TEMPORAL_UI_ORIGIN)
    return config.TEMPORAL_UI_ORIGIN.split(',').map((o) => o.trim().replace(/\/+$/, ''));
  return [`http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, `http://localhost:${config.TEMPORAL_UI_PORT}`];
}

/**
 * Puts a deployment's department definitions into the catalogue, then checks every bundle
 * against it as `npm run catalog:check` does: a bundle mapping a field the department no longer
 * receives stops the start with each problem named.
 */
export async function loadCatalogFile(file: string): Promise<void> {
  applyCatalog(await readCatalogFile(file));
  const problems = allBundles.flatMap(checkBundle);
  if (problems.length > 0)
    throw new ConfigError(
      `DEPARTMENT_CATALOG (${file}) does not fit the bundles:\n${formatProblems(problems)}`,
    );
}

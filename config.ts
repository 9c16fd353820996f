import { resolve } from 'node:path';
import { z } from 'zod';
import { durationSchema } from './schemas/bundle.js';
import { durationMs } from './schemas/durations.js';
import { materialTypeSchema } from './schemas/materials.js';

// An empty variable (`API_PORT=`) means unset, as if the line were absent: never port 0 or ''.
const unsetIfEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const port = (byDefault: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(byDefault));
const optionalPort = z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).optional());
const optionalUrl = z.preprocess(unsetIfEmpty, z.string().min(1).optional());
// true/false (also 1/0, yes/no, on/off); unset leaves the choice to the code that reads it.
const optionalBoolean = z.preprocess(unsetIfEmpty, z.stringbool().optional());

/** Every setting Onething reads from the environment; documented line by line in `.env.example`. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** Where the embedded stack keeps its data (Temporal SQLite file, PostgreSQL cluster). */
  DATA_DIR: z.preprocess(unsetIfEmpty, z.string().default('.data')),
  /** host:port of a Temporal frontend. Unset: the embedded Temporal dev server is started. */
  TEMPORAL_ADDRESS: optionalUrl,
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** A CA certificate (PEM file) the Temporal frontend's TLS certificate is checked against; sets TLS on. */
  TEMPORAL_TLS_CA_FILE: optionalUrl,
  /** This client's certificate and key (PEM files) for mutual TLS; both or neither. Sets TLS on. */
  TEMPORAL_TLS_CERT_FILE: optionalUrl,
  TEMPORAL_TLS_KEY_FILE: optionalUrl,
  /** The name the frontend's certificate is checked for, when it differs from TEMPORAL_ADDRESS's host. */
  TEMPORAL_TLS_SERVER_NAME: optionalUrl,
  /** An API key for Temporal Cloud or a server that accepts them (sent as a bearer token; TLS on). */
  TEMPORAL_API_KEY: optionalUrl,
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('onething'),
  /** The `temporal` CLI binary for the embedded dev server. */
  TEMPORAL_CLI_PATH: z.string().default('.venv/bin/temporal'),
  TEMPORAL_DEV_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  /**
   * Origins of the Temporal Web UI allowed to call the codec endpoint from the browser, comma-separated.
   * Unset: the embedded UI (`http://127.0.0.1:<TEMPORAL_UI_PORT>` and `http://localhost:<TEMPORAL_UI_PORT>`).
   */
  TEMPORAL_UI_ORIGIN: optionalUrl,
  /** The Temporal Web UI that operator views link workflows to. Unset: `http://127.0.0.1:<TEMPORAL_UI_PORT>`. */
  TEMPORAL_UI_URL: optionalUrl,
  /** Keys that encrypt every Temporal payload: `id:base64-of-32-bytes`, comma-separated. Required in production. */
  ENCRYPTION_KEYS: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** The id in ENCRYPTION_KEYS that encrypts new payloads; the others still decrypt. */
  ENCRYPTION_KEY_ID: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** PostgreSQL connection string. Unset: an embedded PostgreSQL is started under DATA_DIR. */
  DATABASE_URL: optionalUrl,
  EMBEDDED_POSTGRES_PORT: port(54329),
  /**
   * TLS to PostgreSQL: `disable`, `require` (encrypted, certificate not checked), `verify-full`
   * (checked against DATABASE_CA_FILE or the system's CAs, host name included). Unset: as DATABASE_URL says.
   */
  DATABASE_SSL_MODE: z.preprocess(unsetIfEmpty, z.enum(['disable', 'require', 'verify-full']).optional()),
  /** A CA certificate (PEM file) PostgreSQL's certificate is checked against (`verify-full`). */
  DATABASE_CA_FILE: optionalUrl,
  /** Connections each process keeps to PostgreSQL at most. */
  DATABASE_POOL_SIZE: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(2).max(500).default(10)),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: port(3000),
  /** Where a worker process (`npm run worker`) answers /health/live and /health/ready. */
  WORKER_HEALTH_HOST: z.string().default('127.0.0.1'),
  WORKER_HEALTH_PORT: port(3001),
  /**
   * A workflow bundle built ahead (`npm run build:workflows`, as the container image does): the
   * worker starts without bundling. Unset: the workflows are bundled at start (a few seconds).
   */
  WORKFLOW_BUNDLE_PATH: optionalUrl,
  /** How long a stopping worker lets in-flight department calls finish (SIGTERM) before it cancels them. */
  WORKER_SHUTDOWN_GRACE: durationSchema.default('30s'),
  /**
   * The cloud window's video service: a module exporting `createVideoProvider(settings)` (a path
   * relative to the working directory, or a package). Required in production; unset elsewhere:
   * the stub that makes rooms under https://video.invalid.
   */
  VIDEO_PROVIDER_MODULE: optionalUrl,
  /** Base URL of the departments' systems. Unset: the embedded department simulator is started. */
  DEPARTMENTS_URL: optionalUrl,
  /**
   * A JSON file saying which adapter serves which department (HTTP with its own URL and auth, or a
   * module). Departments it does not list are reached over HTTP under DEPARTMENTS_URL.
   */
  DEPARTMENTS_CONFIG: z.preprocess(unsetIfEmpty, z.string().min(1).optional()),
  /**
   * A JSON or YAML file of department definitions (services, what each receives and returns, its
   * undo), replacing or adding to the built-in catalogue; the bundles are checked against it at start.
   */
  DEPARTMENT_CATALOG: z.preprocess(unsetIfEmpty, z.string().min(1).optional()),
  SIMULATOR_PORT: port(4100),
  /** Per-request limit of a department call over HTTP, in milliseconds. */
  DEPARTMENT_TIMEOUT_MS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(100).default(10_000)),
  /** Requests per minute each API key may make. */
  RATE_LIMIT_PER_MINUTE: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).default(600)),
  /**
   * Behind a TLS-terminating proxy: `true` (trust any), or the proxies' addresses (comma-separated).
   * Then X-Forwarded-Proto and -For count: session cookies are marked Secure, rate limits are per
   * client. Unset: the API is reached directly.
   */
  TRUST_PROXY: z.preprocess(unsetIfEmpty, z.string().min(1).optional()),
  /**
   * A JSON file of public holidays and swapped working days, `{ "holidays": [...], "workingDays": [...],
   * "years": {...} }`, that time limits are counted on. Unset: the shipped calendar (calendar/cn.json).
   */
  BUSINESS_CALENDAR_FILE: z.preprocess(unsetIfEmpty, z.string().min(1).optional()),
  /** Who decides which steps in this deployment: `<bundle>.<step>=department|worklist`, comma-separated. */
  WORKLIST_OVERRIDES: optionalUrl,
  /**
   * How long a step whose department call failed waits for an operator to retry or skip it
   * before its application fails (`0s`: fail at once).
   */
  FAILED_STEP_HOLD: durationSchema.default('3d'),
  /**
   * This deployment's retention of personal data after an application ends, over the bundles'
   * own: `<bundle id>=<days>`, comma-separated (e.g. `newborn=1825`).
   */
  RETENTION_DAYS: optionalUrl,
  /** Days the access log (who read or received which data) is kept; 1825 when unset. */
  RETENTION_ACCESS_LOG_DAYS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).optional()),
  /** Days the audit log of operator, clerk and admin actions is kept; 3650 when unset. */
  RETENTION_AUDIT_LOG_DAYS: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).optional()),
  /** How often the retention schedule erases what is due and purges old log entries. */
  RETENTION_EVERY: durationSchema.default('1d'),
  /**
   * Whether webhooks may target private, loopback, link-local and other internal addresses.
   * Unset: false in production, true elsewhere (the embedded stack's receivers run on this machine).
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: optionalBoolean,
  /** Whether webhooks must be https. Unset: true in production, false elsewhere. */
  WEBHOOK_REQUIRE_HTTPS: optionalBoolean,
  /**
   * How long after an event happened a failing webhook delivery is retried; then it is given up
   * on and listed among the webhook's failed deliveries, for the portal to replay.
   */
  WEBHOOK_RETRY_FOR: durationSchema.default('3d'),
  /**
   * A separate port serving `GET /metrics` without a key, for Prometheus on the internal network.
   * Unset: the API's `/metrics` (and the worker's health port's) needs an operator's key.
   */
  METRICS_PORT: optionalPort,
  METRICS_HOST: z.string().default('127.0.0.1'),
  /**
   * Where the Temporal SDK's own Prometheus exporter listens. Unset: a free port on
   * TEMPORAL_METRICS_HOST; every process's `/metrics` includes the SDK's metrics either way.
   */
  TEMPORAL_METRICS_PORT: optionalPort,
  TEMPORAL_METRICS_HOST: z.string().default('127.0.0.1'),
  /** OTLP/HTTP (protobuf) base URL of a trace collector; `/v1/traces` is appended. Unset (with the next): no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  /** The full OTLP/HTTP traces URL, over OTEL_EXPORTER_OTLP_ENDPOINT. */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  /** Headers sent to the collector, `key=value` comma-separated (e.g. an authorization token). */
  OTEL_EXPORTER_OTLP_HEADERS: optionalUrl,
  /** `service.name` of the spans. */
  OTEL_SERVICE_NAME: z.preprocess(unsetIfEmpty, z.string().min(1).default('onething')),
  /** Share of new traces sampled, 0–1 (a trace started by a caller keeps the caller's choice). */
  OTEL_TRACES_SAMPLER_ARG: z.preprocess(unsetIfEmpty, z.coerce.number().min(0).max(1).default(1)),
  /** `true` turns tracing off even with an endpoint set. */
  OTEL_SDK_DISABLED: optionalBoolean,
  /**
   * A JSON file naming, per department, where escalated or overdue tasks and outages are
   * announced: `{ "police": [{ "type": "webhook", "url": "...", "secret": "..." }], "*": [...] }`.
   * Unset: those events are only audited and counted.
   */
  DUTY_CHANNELS_FILE: z.preprocess(unsetIfEmpty, z.string().min(1).optional()),
  /**
   * The organisation's OpenID provider that operators, clerks and officers sign in with
   * (authorization code with PKCE). Required in production; unset elsewhere: the embedded stack
   * starts a development provider with named test people on DEV_OIDC_PORT.
   */
  OIDC_ISSUER_URL: optionalUrl,
  /** Onething's client id at the provider. Required in production. */
  OIDC_CLIENT_ID: optionalUrl,
  /** The client's secret; unset: a public client (PKCE alone). */
  OIDC_CLIENT_SECRET: optionalUrl,
  /**
   * This API's callback as the provider has it registered: `<public API URL>/v1/console/oidc/callback`.
   * Required in production; unset elsewhere: `http://127.0.0.1:<API_PORT>/v1/console/oidc/callback`.
   */
  OIDC_REDIRECT_URL: optionalUrl,
  /** The scopes asked for, space-separated; the provider must release the claims below under them. */
  OIDC_SCOPE: z.preprocess(unsetIfEmpty, z.string().min(1).default('openid profile')),
  /** The claim holding a person's role: `operator`, `admin` or `clerk`; no role, no session. */
  OIDC_ROLE_CLAIM: z.preprocess(unsetIfEmpty, z.string().min(1).default('onething_role')),
  /** The claim holding a person's department id (a clerk's, or a scoped operator's). */
  OIDC_DEPARTMENT_CLAIM: z.preprocess(unsetIfEmpty, z.string().min(1).default('onething_department')),
  /** The claim holding a person's region (行政区划代码). */
  OIDC_REGION_CLAIM: z.preprocess(unsetIfEmpty, z.string().min(1).default('onething_region')),
  /** The claim holding a person's display name, shown in the access and audit logs. */
  OIDC_NAME_CLAIM: z.preprocess(unsetIfEmpty, z.string().min(1).default('name')),
  /** The claim saying a person supervises their department (true or "true"): they see its supervisor queue. */
  OIDC_SUPERVISOR_CLAIM: z.preprocess(unsetIfEmpty, z.string().min(1).default('onething_supervisor')),
  /** Where the embedded stack's development OpenID provider listens (never in production). */
  DEV_OIDC_PORT: port(4400),
  /**
   * Where uploaded materials' (encrypted) bytes are stored: `directory` (MATERIAL_DIR, for one
   * machine) or `s3` (an S3-compatible bucket, MATERIAL_S3_*: what several API processes share).
   */
  MATERIAL_STORE: z.preprocess(unsetIfEmpty, z.enum(['directory', 's3']).default('directory')),
  /** The `directory` store's folder. Unset: `<DATA_DIR>/materials`. */
  MATERIAL_DIR: optionalUrl,
  /** The largest material `POST /v1/materials` accepts, in bytes (default 10 MiB). */
  MATERIAL_MAX_BYTES: z.preprocess(
    unsetIfEmpty,
    z.coerce
      .number()
      .int()
      .min(1)
      .max(1024 * 1024 * 1024)
      .default(10 * 1024 * 1024),
  ),
  /** The types accepted, comma-separated, of application/pdf, image/jpeg, image/png. Unset: all three. */
  MATERIAL_TYPES: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .transform((v) => v.split(',').map((t) => t.trim()))
      .pipe(z.array(materialTypeSchema).min(1))
      .optional(),
  ),
  /** How long a material link handed to a department works. */
  MATERIAL_LINK_TTL: durationSchema.default('10m'),
  /**
   * The API's base URL as departments reach it, for material links. Required in production for a
   * worker; unset elsewhere: `http://<API_HOST>:<API_PORT>`.
   */
  MATERIAL_LINK_BASE_URL: optionalUrl,
  /**
   * How long a material no application names (in a form or a supplement) is kept after its
   * upload before the retention job erases it. At least an hour: a portal names a material some
   * time after uploading it.
   */
  MATERIAL_UNREFERENCED_RETENTION: durationSchema
    .default('7d')
    // Only a well-formed duration is measured; the pattern above names a malformed one.
    .refine((value) => !durationSchema.safeParse(value).success || durationMs(value) >= 3_600_000, {
      message: 'at least 1h',
    }),
  /** The `s3` store's bucket (it must exist). */
  MATERIAL_S3_BUCKET: optionalUrl,
  MATERIAL_S3_REGION: z.preprocess(unsetIfEmpty, z.string().min(1).default('us-east-1')),
  /** An S3-compatible endpoint (MinIO, a provincial cloud's object storage). Unset: AWS's. */
  MATERIAL_S3_ENDPOINT: optionalUrl,
  /** Path-style addressing (`<endpoint>/<bucket>/<key>`), which most S3-compatible servers need. */
  MATERIAL_S3_FORCE_PATH_STYLE: optionalBoolean,
  /** Static credentials; unset: the SDK's default chain (AWS_* variables, an instance or pod role). */
  MATERIAL_S3_ACCESS_KEY_ID: optionalUrl,
  MATERIAL_S3_SECRET_ACCESS_KEY: optionalUrl,
  /** Put before every object key when the bucket is shared, e.g. `onething/`. */
  MATERIAL_S3_PREFIX: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type Config = z.infer<typeof configSchema>;

/** A configuration error, naming every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment once, at start; the result is passed down, never read again from process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, DATA_DIR: resolve(parsed.data.DATA_DIR) };
}

/** Which processes a start composes: the whole embedded stack, or one role of a deployment. */
export type ProcessRole = 'all-in-one' | 'api' | 'worker';

/**
 * What a process of `role` cannot start without, as one message naming every missing variable;
 * undefined when nothing is missing. A single role never starts embedded services, so it always
 * needs its Temporal and PostgreSQL; production needs everything a real deployment configures
 * (no simulator, no dev server, no embedded PostgreSQL, no generated keys, no stub video provider).
 */
export function missingSettings(config: Config, role: ProcessRole): string | undefined {
  const production = config.NODE_ENV === 'production';
  const needs: Array<[boolean, string, string]> = [
    [role !== 'all-in-one' || production, 'TEMPORAL_ADDRESS', 'the Temporal frontend (host:port)'],
    [role !== 'all-in-one' || production, 'DATABASE_URL', 'the PostgreSQL connection string'],
    [production, 'ENCRYPTION_KEYS', 'the keys that encrypt citizen data in Temporal'],
    [
      production,
      'DEPARTMENTS_CONFIG or DEPARTMENTS_URL',
      "where the departments' systems are, and their keys",
    ],
    [production && role !== 'api', 'VIDEO_PROVIDER_MODULE', "the cloud window's video service"],
    // A worker signs the material links departments follow; the fallback (API_HOST:API_PORT) is
    // an address on this machine that no department's system can reach.
    [
      production && role !== 'api',
      'MATERIAL_LINK_BASE_URL',
      "the API's address as departments reach it, for material links",
    ],
    [
      production && role !== 'worker',
      'OIDC_ISSUER_URL',
      "the organisation's OpenID provider people sign in with",
    ],
    [production && role !== 'worker', 'OIDC_CLIENT_ID', "Onething's client id at that provider"],
    [
      production && role !== 'worker',
      'OIDC_REDIRECT_URL',
      "this API's /v1/console/oidc/callback as registered there",
    ],
    [config.MATERIAL_STORE === 's3', 'MATERIAL_S3_BUCKET', "the bucket of the materials' store"],
  ];
  const set = (name: string) => name.split(' or ').some((one) => config[one as keyof Config] !== undefined);
  const missing = needs.filter(([needed, name]) => needed && !set(name));
  if (missing.length === 0) return undefined;
  const where = production ? 'in production' : `for the ${role} process`;
  return [
    `Missing settings ${where}:`,
    ...missing.map(([, name, what]) => `  ${name}: ${what}`),
    'See .env.example.',
  ].join('\n');
}

import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Runtime } from '@temporalio/worker';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { inject } from 'vitest';
import type { ApiDeps } from '../../api/deps.js';
import { createApiKey, parseRole } from '../../api/auth/api-keys.js';
import type { StepDeciders } from '../../bundles/definition.js';
import { bundleCatalog } from '../../bundles/index.js';
import { loadBusinessCalendar } from '../../calendar/load.js';
import { migrate } from '../../db/migrate.js';
import { createPool } from '../../db/pool.js';
import { attachDataKeys } from '../../privacy/sealer.js';
import type { RetentionPolicy } from '../../schemas/retention.js';
import { retentionScheduleId } from '../../temporal/ids.js';
import type { Pool } from '../../db/pool.js';
import { departmentUrlUnder, httpAdaptersUnder } from '../../departments/adapters.js';
import { createHttpAdapter } from '../../departments/http-adapter.js';
import type { WebhookDispatcherOptions } from '../../notifications/dispatcher.js';
import type { ServiceBehaviour } from '../../departments/simulator/behaviour.js';
import type { LedgerEntry, RequestRecord } from '../../departments/simulator/ledger.js';
import type { SignatureAlgorithm, SigningKey } from '../../departments/signing.js';
import { departments } from '../../departments/catalog/index.js';
import { startSimulator } from '../../departments/simulator/server.js';
import type { ApplicationView } from '../../schemas/api.js';
import type { TaskSummary } from '../../schemas/work-list.js';
import { EncryptionCodec } from '../../temporal/codec.js';
import { dataConverterFor } from '../../temporal/data-converter.js';
import { randomKeyring } from '../../temporal/keyring.js';
import type { Keyring } from '../../temporal/codec.js';
import { createServiceMetrics } from '../../metrics/service.js';
import { freePort } from '../../net/free-port.js';
import { createLogger } from '../../privacy/logger.js';
import { temporalRuntimeOptions } from '../../stack/runtime.js';
import type { Tracing } from '../../telemetry/tracing.js';
import { tracingClientInterceptors } from '../../temporal/tracing.js';
import { startApiRole } from '../../stack/api-role.js';
import type { ApiRoleOptions } from '../../stack/api-role.js';
import { startWorkerRole } from '../../stack/worker-role.js';
import type { WorkerRole } from '../../stack/worker-role.js';
import { createTestDatabase } from './database.js';
import { createDirectoryStore } from '../../materials/directory-store.js';
import { Materials } from '../../materials/materials.js';
import type { MaterialLimits } from '../../materials/materials.js';
import { eventually } from './eventually.js';
import type { OidcRelyingParty } from '../../api/auth/oidc.js';

export interface HttpResult<T = unknown> {
  status: number;
  contentType: string;
  body: T;
}

/** What a test file may change in its stack; everything is optional. */
export interface TestStackOptions {
  keyring?: Keyring;
  stepDeciders?: StepDeciders;
  /** Another Temporal server than the run's shared one, e.g. one with its Web UI. */
  temporalAddress?: string;
  /** The API's port, chosen before a server that must know it (a Temporal UI's codec endpoint). */
  apiPort?: number;
  /** Browser origins the codec endpoint answers CORS for; `testTemporalUiOrigin` by default. */
  temporalUiOrigins?: readonly string[];
  /** How long a failed step waits for an operator's repair (`FAILED_STEP_HOLD`); unset: it fails at once. */
  failedStepHold?: string;
  /**
   * Where the webhook dispatcher may deliver, how it resolves hosts and connects, how long it
   * retries; private http targets and 3 days by default.
   */
  webhookDispatch?: Pick<WebhookDispatcherOptions, 'targets' | 'lookup' | 'agents' | 'retryForMs'>;
  /** Duty channels and dispatcher settings of the API role; none by default. */
  duty?: ApiRoleOptions['duty'];
  /** Traces the client, workflows and activities into this tracing (`installTracing`). */
  tracing?: Tracing;
  /**
   * Departments that sign with another HMAC (国密: `hmac-sm3`). Each signs both ways: the worker
   * signs its calls, the simulator verifies them and signs its callbacks, the API verifies those.
   */
  signatureAlgorithms?: Record<string, SignatureAlgorithm>;
  /** People sign in through this OpenID relying party (its redirect URL on `apiPort`). */
  oidc?: OidcRelyingParty;
  /** What the retention job erases when; the bundles' own days by default. */
  retention?: RetentionPolicy;
  /**
   * false: payloads are encrypted with the keyring alone, not each application's data key, as
   * recorded histories must be: they are replayed long after this stack's database is gone.
   */
  payloadDataKeys?: boolean;
  /** What `POST /v1/materials` accepts; 10 MiB of PDF, JPEG or PNG by default. */
  materialLimits?: MaterialLimits;
}

/**
 * One test file's own stack on the run's shared Temporal server and PostgreSQL server: a fresh
 * database, a simulator, a worker on its own task queue, and the API on a real port.
 */
export async function startTestStack(options: TestStackOptions = {}) {
  const { logger, temporalMetricsUrl } = await testRuntime();
  // The stack's own registry, served at its /metrics with the SDK's metrics of this process.
  const metrics = createServiceMetrics();
  const closers: Array<() => Promise<unknown>> = [];
  const database = await createTestDatabase(inject('postgresAdminUrl'));
  closers.push(() => database.drop());
  const pool = createPool(database.url);
  closers.push(() => pool.end());
  await migrate(pool);
  const keys = await createTestKeys(pool);

  const simulator = await startSimulator({ port: 0 });
  const callbackKeys: Record<string, SigningKey> = Object.fromEntries(
    Object.keys(departments).map((id) => [
      id,
      {
        keyId: `test-${id}`,
        secret: randomBytes(32).toString('hex'),
        ...(options.signatureAlgorithms?.[id] ? { algorithm: options.signatureAlgorithms[id] } : {}),
      },
    ]),
  );
  const signatureAlgorithms = new Map(Object.entries(options.signatureAlgorithms ?? {}));
  for (const department of signatureAlgorithms.keys()) {
    if (callbackKeys[department] === undefined)
      throw new Error(`signatureAlgorithms: no department ${department}`);
  }
  // With another algorithm in play every call is signed and checked, as in production; otherwise
  // calls go unsigned, so tests can talk to the simulator directly.
  const signCalls = signatureAlgorithms.size > 0;
  const adapters = signCalls
    ? new Map(
        Object.entries(callbackKeys).map(([department, key]) => [
          department,
          createHttpAdapter({
            baseUrl: departmentUrlUnder(simulator.url, department),
            timeoutMs: 5000,
            auth: { type: 'hmac', ...key },
          }),
        ]),
      )
    : httpAdaptersUnder(simulator.url, 5000);
  closers.push(() => simulator.close());

  const address = options.temporalAddress ?? inject('temporalAddress');
  const taskQueue = `test-${randomUUID()}`;
  const clientConnection = await Connection.connect({ address });
  closers.push(() => clientConnection.close());
  // A fresh key per stack: what one test file's workflows store, only its own stack can read.
  const keyring = options.keyring ?? randomKeyring();
  // As production composes them: personal columns and payloads under each application's data key.
  const dataKeys = attachDataKeys(pool, keyring);
  const dataConverter = dataConverterFor(keyring, options.payloadDataKeys === false ? undefined : dataKeys);
  const client = new Client({
    connection: clientConnection,
    dataConverter,
    ...(options.tracing ? { interceptors: tracingClientInterceptors() } : {}),
  });
  const calendar = loadBusinessCalendar();
  // Materials in a directory of the stack's own; links point at its API once it listens.
  const materialDir = await mkdtemp(join(tmpdir(), 'onething-materials-'));
  closers.push(() => rm(materialDir, { recursive: true, force: true }));
  const materialStore = createDirectoryStore(materialDir);
  const materials = new Materials(pool, materialStore, keyring, options.materialLimits);
  let apiBaseUrl = '';

  // The worker and API roles production composes (`npm run worker`, `npm run api`), with a test's settings.
  let worker: WorkerRole | undefined;
  const startWorker = async () => {
    if (worker) return;
    worker = await startWorkerRole({
      temporal: { address },
      namespace: 'default',
      taskQueue,
      pool,
      adapters,
      calendar,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      ...(options.tracing ? { tracing: options.tracing } : {}),
      tuning: { shutdownGraceTime: '1s' },
      dataConverter,
      ...(options.retention ? { retention: options.retention } : {}),
      forgetDataKey: (applicationId) => dataKeys.forget(applicationId),
      materialLinks: { materials, keyring, baseUrl: () => apiBaseUrl, ttlSeconds: 600 },
      metrics,
      temporalMetricsUrl,
      log: logger.child({ component: 'worker' }),
    });
  };
  const stopWorker = async () => {
    const running = worker;
    worker = undefined;
    await running?.stop();
  };
  closers.push(stopWorker);
  await startWorker();

  const apiDeps: ApiDeps = {
    pool,
    temporal: client,
    taskQueue,
    bundles: bundleCatalog,
    codecServer: {
      codec: new EncryptionCodec(keyring, dataKeys),
      allowedOrigins: options.temporalUiOrigins ?? [testTemporalUiOrigin],
    },
    calendar,
    metrics,
    temporalMetricsUrl,
    ...(options.stepDeciders ? { stepDeciders: options.stepDeciders } : {}),
    ...(options.failedStepHold ? { failedStepHold: options.failedStepHold } : {}),
    callbackKeys: new Map(
      Object.entries(callbackKeys).map(([department, key]) => [
        department,
        new Map([[key.keyId, key.secret]]),
      ]),
    ),
    signatureAlgorithms,
    keyring,
    materials,
    // The webhook receivers of the tests run on 127.0.0.1.
    webhookTargets: testWebhookTargets,
    ...(options.oidc ? { oidc: options.oidc } : {}),
  };
  // The schedule outlives the stack on the shared server otherwise.
  closers.push(() => client.schedule.getHandle(retentionScheduleId(taskQueue)).delete());
  const api = await startApiRole({
    deps: apiDeps,
    app: { authCacheTtlMs: 0, rateLimitPerMinute: 100_000 },
    listen: { host: '127.0.0.1', port: options.apiPort ?? 0 },
    // The schedule production makes; its runs are triggered, or its job invoked with a clock, in tests.
    retentionEvery: '1d',
    // Retries after 50 ms, 100 ms, 200 ms, …: a failing receiver is retried within a test's time.
    webhooks: { backoff: { baseMs: 50 }, targets: testWebhookTargets, ...options.webhookDispatch },
    ...(options.duty ? { duty: options.duty } : {}),
    log: logger,
    requestLog: logger.child({ component: 'api' }),
  });
  closers.push(() => api.stop());
  const apiUrl = api.url;
  apiBaseUrl = apiUrl;
  // Departments that decide later call this API back, signing with their own key.
  await fetch(`${simulator.url}/admin/callbacks`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ baseUrl: apiUrl, keys: callbackKeys, verifyRequests: signCalls }),
  });

  /** A request as `as` (a role of `keys`, `portal` by default; null: no credentials). */
  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    as: TestRole | null = 'portal',
  ) {
    const response = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        ...(as === null ? {} : { authorization: `Bearer ${keys[as]}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : undefined) as T,
    } satisfies HttpResult<T>;
  }

  async function simulatorRequest<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${simulator.url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    if (!response.ok)
      throw new Error(`simulator ${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  return {
    apiUrl,
    /** The stack's metrics registry (the worker's and the API's). */
    metrics,
    /** The Temporal SDK's Prometheus exporter of this test process. */
    temporalMetricsUrl,
    /** The worker role now running, if any (its health server, when started with one). */
    get worker() {
      return worker;
    },
    /** What the API was built with, to build another one with other options. */
    apiDeps,
    /** Every route the API serves and who may call it. */
    routeAccess: api.app.routeAccess,
    keys,
    pool,
    /** The stack's own database, for a second pool (another process's view). */
    databaseUrl: database.url,
    /** The applications' data keys (to erase one, as retention does). */
    dataKeys,
    keyring,
    /** The stack's materials and the directory their encrypted bytes are in. */
    materials,
    materialDir,
    client,
    taskQueue,
    /** The business calendar the worker dates steps on. */
    calendar,
    request,
    startWorker,
    stopWorker,
    /** Submits an application with a fresh idempotency key unless one is given. */
    async submit(body: unknown, key: string = randomUUID(), as: TestRole = 'portal') {
      return request<ApplicationView>('POST', '/v1/applications', body, { 'idempotency-key': key }, as);
    },
    async getApplication(id: string, as: TestRole = 'portal'): Promise<ApplicationView> {
      const result = await request<ApplicationView>('GET', `/v1/applications/${id}`, undefined, {}, as);
      if (result.status !== 200) throw new Error(`GET application ${id}: ${result.status}`);
      return result.body;
    },
    /** Polls the read model until `done` holds, at most `timeoutMs`; fails with the last state seen. */
    async waitForApplication(
      id: string,
      done: (view: ApplicationView) => boolean,
      timeoutMs = 30_000,
    ): Promise<ApplicationView> {
      const deadline = Date.now() + timeoutMs;
      let view = await this.getApplication(id);
      while (!done(view)) {
        if (Date.now() > deadline) {
          throw new Error(
            `application ${id} did not reach the expected state: ${JSON.stringify(view, null, 2)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        view = await this.getApplication(id);
      }
      return view;
    },
    simulator: {
      url: simulator.url,
      setBehaviour: (department: string, service: string, behaviour: ServiceBehaviour) =>
        simulatorRequest('PUT', `/admin/services/${department}/${service}`, behaviour),
      async ledger(filter: { department?: string; service?: string; keyPrefix?: string } = {}) {
        const query = new URLSearchParams(filter as Record<string, string>).toString();
        const result = await simulatorRequest<{ entries: LedgerEntry[] }>('GET', `/admin/ledger?${query}`);
        return result.entries;
      },
      async requests(filter: { department?: string; service?: string; keyPrefix?: string } = {}) {
        const query = new URLSearchParams(filter as Record<string, string>).toString();
        const result = await simulatorRequest<{ requests: RequestRecord[] }>(
          'GET',
          `/admin/requests?${query}`,
        );
        return result.requests;
      },
      /** Makes a department decide a case it accepted, now. */
      decideNow: (department: string, service: string, receiptNumber: string) =>
        simulatorRequest('POST', `/admin/services/${department}/${service}/decide/${receiptNumber}`),
    },
    /** The open work-list tasks of an application, as a clerk of its department sees them. */
    async openTasks(applicationId: string, as: TestRole): Promise<TaskSummary[]> {
      const result = await request<{ tasks: TaskSummary[] }>(
        'GET',
        '/v1/tasks?status=open&limit=100',
        undefined,
        {},
        as,
      );
      if (result.status !== 200)
        throw new Error(`GET /v1/tasks: ${result.status} ${JSON.stringify(result.body)}`);
      return result.body.tasks.filter((t) => t.applicationId === applicationId);
    },
    /** The application's open task of `round`, once the workflow has opened it (bounded wait). */
    waitForOpenTask(applicationId: string, as: TestRole, round = 1): Promise<TaskSummary> {
      return eventually(`an open task (round ${round}) of ${applicationId}`, async () =>
        (await this.openTasks(applicationId, as)).find((t) => t.round === round),
      );
    },
    /** Claims and completes a task as `as`; the completion's answer. */
    async decideTask(taskId: string, as: TestRole, decision: Record<string, unknown>) {
      const claimed = await request('POST', `/v1/tasks/${taskId}/claim`, undefined, {}, as);
      if (claimed.status !== 200)
        throw new Error(`claim ${taskId}: ${claimed.status} ${JSON.stringify(claimed.body)}`);
      return request<Record<string, unknown>>('POST', `/v1/tasks/${taskId}/complete`, decision, {}, as);
    },
    /** The key a department signs its callbacks with. */
    callbackKeyOf: (department: string): SigningKey => {
      const key = callbackKeys[department];
      if (!key) throw new Error(`no callback key for ${department}`);
      return key;
    },
    async close() {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    },
  };
}

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;

/** Where a test stack delivers webhooks: its receivers listen on 127.0.0.1, over http. */
const testWebhookTargets = { allowPrivate: true, requireHttps: false };

/** The Temporal UI origin a test stack's codec endpoint answers CORS for. */
export const testTemporalUiOrigin = 'http://127.0.0.1:8233';

/** The roles each test stack has a key for. */
const testRoles = {
  portal: 'portal:test-portal',
  otherPortal: 'portal:other-portal',
  operator: 'operator',
  /** An operator of the police only: its steps, nothing else. */
  policeOperator: 'operator:police',
  admin: 'admin',
  policeClerk: 'clerk:police',
  healthClerk: 'clerk:health',
  vehicleOfficer: 'clerk:vehicle-office',
  policeDepartment: 'department:police',
} as const;
export type TestRole = keyof typeof testRoles;

async function createTestKeys(pool: Pool): Promise<Record<TestRole, string>> {
  const keys = {} as Record<TestRole, string>;
  for (const [name, label] of Object.entries(testRoles) as Array<[TestRole, string]>) {
    keys[name] = (await createApiKey(pool, { name, ...parseRole(label) })).secret;
  }
  return keys;
}

let processRuntime: Promise<{ logger: Logger; temporalMetricsUrl: string }> | undefined;
/**
 * One log file per test process under the run's log folder, written through the production
 * logger (and so its masking); the global teardown scans them all for unmasked ID numbers. The
 * Temporal runtime of the process, as production installs it: its logs through that logger, its
 * metrics on a Prometheus exporter of its own.
 */
function testRuntime(): Promise<{ logger: Logger; temporalMetricsUrl: string }> {
  processRuntime ??= (async () => {
    const file = join(inject('logDir'), `test-${process.pid}.log`);
    const logger = createLogger('info', pino.destination({ dest: file, sync: true }));
    const port = await freePort();
    Runtime.install(temporalRuntimeOptions(logger, 'WARN', `127.0.0.1:${port}`));
    return { logger, temporalMetricsUrl: `http://127.0.0.1:${port}/metrics` };
  })();
  return processRuntime;
}

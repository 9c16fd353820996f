/**
 * The department simulator: a real HTTP server standing in for the departments' systems, speaking
 * the department protocol the HTTP adapter relies on, plus admin endpoints that tests, the demo and
 * benchmarks use to shape each service's behaviour and to read what the departments received.
 *
 * Per service: instant (the default), slow (`latencyMs`), flaky (`failNext`, `failureRate`), down
 * for a window (`outage`), rejecting by rule (`reject`), deciding later (`decision: 'callback'` or
 * `'poll'`, after `decisionDelayMs`), breaking its output contract (`brokenOutputs`), hidden
 * behind a gateway answering bare 4xx pages (`gatewayError`), answering a 200 HTML page instead
 * of JSON (`nonJsonAnswer`), and padding its answers to a size that can be set (`oversizedAnswer`).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { problemCodes } from '../../schemas/error-codes.js';
import { registerAdminRoutes } from './admin-routes.js';
import { callbackConfigSchema, type CallbackConfig } from './callbacks.js';
import { registerDepartmentRoutes } from './department-routes.js';
import { registerCertificateRoutes } from './certificates.js';
import { defaultRecordLimit } from './ledger.js';
import { problem } from './protocol.js';
import { closeState, createState } from './state.js';

export { describeIssues, simulatorCodes } from './protocol.js';

/** Options of {@link buildSimulator}. */
export interface SimulatorOptions {
  /** Fastify request logging; off by default so tests and benchmarks stay quiet. */
  logger?: boolean;
  /** Most ledger entries, request-log lines and accepted cases kept; the oldest are dropped first. */
  recordLimit?: number;
  /**
   * Where decisions of `callback` services go, the keys they are signed with, and whether
   * Onething's requests must be signed with the same keys (`verifyRequests`).
   */
  callbacks?: CallbackConfig;
}

/** A simulator listening on a port. */
export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

/** Answers every error as `{ code, reason }`; a 5xx says nothing about the simulator's insides. */
function registerErrorHandling(app: FastifyInstance): void {
  const codesByFastifyCode: Readonly<Record<string, string>> = {
    FST_ERR_CTP_INVALID_JSON_BODY: problemCodes.malformedJson,
    FST_ERR_CTP_EMPTY_JSON_BODY: problemCodes.malformedJson,
    FST_ERR_CTP_INVALID_MEDIA_TYPE: problemCodes.unsupportedMediaType,
    FST_ERR_CTP_BODY_TOO_LARGE: problemCodes.payloadTooLarge,
  };
  app.setErrorHandler((error: { statusCode?: number; code?: string; message?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'simulator request failed');
      return problem(reply, 500, problemCodes.internal, 'the department simulator failed');
    }
    const code = (error.code !== undefined ? codesByFastifyCode[error.code] : undefined) ?? 'BAD_REQUEST';
    return problem(reply, status, code, error.message ?? 'bad request');
  });
  app.setNotFoundHandler((request, reply) =>
    problem(reply, 404, problemCodes.routeNotFound, `no route ${request.method} ${request.url}`),
  );
}

/** Builds one simulator with its own ledger, request log and behaviours; it does not listen. */
export function buildSimulator(options: SimulatorOptions = {}): FastifyInstance {
  // Parsed here so a wrong option fails at start, not at the first callback.
  const callbacks = options.callbacks && callbackConfigSchema.parse(options.callbacks);
  const state = createState(options.recordLimit ?? defaultRecordLimit, callbacks);
  const app = Fastify({ logger: options.logger ?? false });

  // An empty JSON body is a missing input, which the department answers as INVALID_INPUT,
  // not a malformed request; anything else goes through Fastify's poisoning-safe parser. The text
  // is kept as received: a request signature covers the exact body, not its parsed form.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    state.rawBodies.set(request, text);
    if (text === '') done(null, undefined);
    else void parseJson(request, text, done);
  });

  // preClose runs before in-flight requests drain, so requests sleeping on latency answer 503 now,
  // pending decisions never fire and callbacks under way stop.
  app.addHook('preClose', async () => {
    await closeState(state);
  });
  registerErrorHandling(app);
  app.get('/health', async () => ({ status: 'ok' }));
  registerDepartmentRoutes(app, state);
  registerAdminRoutes(app, state);
  registerCertificateRoutes(app, state);
  return app;
}

/** Options of {@link startSimulator}: where to listen, and {@link SimulatorOptions}. */
export interface StartSimulatorOptions extends SimulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port, reported in `url`. */
  port?: number;
}

/** Starts a simulator listening on `host:port`. */
export async function startSimulator(opts: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const { host = '127.0.0.1', port = 0, ...options } = opts;
  const app = buildSimulator(options);
  try {
    await app.listen({ host, port });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    await app.close();
    throw new Error('the department simulator is not listening on a TCP port');
  }
  // A wildcard address is not somewhere a client can connect to; loopback is.
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${address.port}`,
    async close() {
      await app.close();
    },
  };
}

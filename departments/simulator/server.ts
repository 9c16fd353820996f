/**
 * The department simulator: a real HTTP server standing in for the departments' systems, speaking
 * the department protocol the HTTP adapter relies on, plus admin endpoints that tests, the demo and
 * benchmarks use to shape each service's behaviour and to read what the departments received.
 */
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { problemCodes } from '../../schemas/error-codes.js';
import { findService } from '../catalog/index.js';
import type { ServiceDefinition } from '../definition.js';
import { serviceBehaviourSchema, type ServiceBehaviour } from './behaviour.js';
import { issueOutputs, receiptNumber } from './issuers.js';
import { defaultRecordLimit, Ledger, RequestLog, type CallRef, type Decision } from './ledger.js';

/** `code` values of the department protocol; the HTTP adapter maps each to a step outcome. */
export const simulatorCodes = {
  /** 400: the `Idempotency-Key` header is missing or empty. */
  idempotencyKeyRequired: problemCodes.idempotencyKeyRequired,
  /** 503: transient; retrying with the same key is safe. */
  unavailable: 'UNAVAILABLE',
  /** 404: the catalogue has no such department or service. */
  unknownService: 'UNKNOWN_SERVICE',
  /** 400, final: the body is not the service's input; `reason` names the field. */
  invalidInput: 'INVALID_INPUT',
} as const;

/** Options of {@link buildSimulator}. */
export interface SimulatorOptions {
  /** Fastify request logging; off by default so tests and benchmarks stay quiet. */
  logger?: boolean;
  /** Most ledger entries and most request-log lines kept; the oldest are dropped first. */
  recordLimit?: number;
}

/** A simulator listening on a port. */
export interface RunningSimulator {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  close(): Promise<void>;
}

interface ServiceParams {
  department: string;
  service: string;
}

/** Per-instance state; nothing here is shared between two simulators in one process. */
interface SimulatorState {
  ledger: Ledger;
  requests: RequestLog;
  behaviours: Map<string, ServiceBehaviour>;
  waits: Waits;
  strictInputs: Map<ServiceDefinition, z.ZodObject>;
}

/** Latency waits that closing the simulator can cut short, so `close()` never hangs for minutes. */
class Waits {
  private readonly wakers = new Set<() => void>();
  private closing = false;

  /** Resolves true after `ms`, or false as soon as the simulator closes. */
  pause(ms: number): Promise<boolean> {
    if (this.closing) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        resolve(true);
      }, ms);
      this.wakers.add(wake);
    });
  }

  wakeAll(): void {
    this.closing = true;
    for (const wake of [...this.wakers]) wake();
  }
}

const recordFilterSchema = z.strictObject({
  department: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  keyPrefix: z.string().min(1).optional(),
});

/** One line per issue, naming the field, e.g. `motherIdNumber: not a valid 18-character ...`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => `${[...path, key].join('.')}: unknown field`).join('; ');
      }
      return `${path.length > 0 ? path.join('.') : 'body'}: ${issue.message}`;
    })
    .join('; ');
}

function problem(reply: FastifyReply, status: number, code: string, reason: string): FastifyReply {
  return reply.code(status).send({ code, reason });
}

function serviceKey(department: string, service: string): string {
  return `${department}/${service}`;
}

/** Consumes one injected failure, if the behaviour has one for this request. */
function failsNow(behaviour: ServiceBehaviour | undefined): boolean {
  if (behaviour === undefined) return false;
  if (behaviour.failNext !== undefined && behaviour.failNext > 0) {
    behaviour.failNext -= 1;
    return true;
  }
  return behaviour.failureRate !== undefined && Math.random() < behaviour.failureRate;
}

/** How the department decides a first (non-replayed) request: steps 5 to 7 of the protocol. */
function decide(
  state: SimulatorState,
  ref: CallRef,
  definition: ServiceDefinition,
  body: unknown,
  behaviour: ServiceBehaviour,
): Decision {
  const input = typeof body === 'object' && body !== null ? body : null;
  let strictInput = state.strictInputs.get(definition);
  if (strictInput === undefined) {
    // A department receives exactly the declared fields; an extra one is a mapping bug to surface.
    strictInput = definition.input.strict();
    state.strictInputs.set(definition, strictInput);
  }
  const parsed = strictInput.safeParse(body);
  if (!parsed.success) {
    const rejection = { code: simulatorCodes.invalidInput, reason: describeIssues(parsed.error) };
    return { outcome: 'invalid', status: 400, input, body: rejection, rejection };
  }
  const data = parsed.data;
  const rule = behaviour.reject;
  if (rule !== undefined && (rule.when === undefined || data[rule.when.field] === rule.when.equals)) {
    const rejection = { code: rule.code, reason: rule.reason };
    return { outcome: 'rejected', status: 422, input, body: rejection, rejection };
  }
  // Throws (answered 500) if an issuer breaks the service's contract: a simulator bug, not a decision.
  const outputs = definition.output.parse(issueOutputs(ref, definition, data));
  return {
    outcome: 'done',
    status: 200,
    input,
    body: { receiptNumber: receiptNumber(ref), outputs },
    outputs,
  };
}

function registerDepartmentRoutes(app: FastifyInstance, state: SimulatorState): void {
  app.post<{ Params: ServiceParams }>(
    '/departments/:department/services/:service',
    async (request, reply) => {
      const { department, service } = request.params;
      const idempotencyKey = request.headers['idempotency-key'];
      if (typeof idempotencyKey !== 'string' || idempotencyKey.trim() === '') {
        const reason =
          'the Idempotency-Key header is required: repeating it repeats the call, not its effect';
        return problem(reply, 400, simulatorCodes.idempotencyKeyRequired, reason);
      }
      const ref: CallRef = { department, service, idempotencyKey };
      const receivedAt = new Date();
      const definition = findService(department, service);
      const record = definition === undefined ? undefined : state.ledger.touch(ref, receivedAt);
      const answer = (status: number, body: object): FastifyReply => {
        state.requests.add({ ...ref, status, at: receivedAt.toISOString() });
        return reply.code(status).send(body);
      };
      const unavailable = (reason: string): FastifyReply =>
        answer(503, { code: simulatorCodes.unavailable, reason });

      const latencyMs = state.behaviours.get(serviceKey(department, service))?.latencyMs;
      if (latencyMs !== undefined && latencyMs > 0 && !(await state.waits.pause(latencyMs))) {
        return unavailable('the department simulator is shutting down');
      }
      // Read again after the wait: an admin call during the latency applies to this request.
      const behaviour = state.behaviours.get(serviceKey(department, service));
      if (failsNow(behaviour))
        return unavailable('injected failure: the department is temporarily unavailable');

      // No await from here on, so two concurrent requests with one key cannot both decide.
      const decided = record?.decision;
      if (decided != null) return answer(decided.status, decided.body);
      if (definition === undefined || record === undefined) {
        return answer(404, {
          code: simulatorCodes.unknownService,
          reason: `no service ${department}/${service}`,
        });
      }
      let decision: Decision;
      try {
        decision = state.ledger.decide(record, decide(state, ref, definition, request.body, behaviour ?? {}));
      } catch (error) {
        state.requests.add({ ...ref, status: 500, at: receivedAt.toISOString() });
        throw error;
      }
      return answer(decision.status, decision.body);
    },
  );
}

function registerAdminRoutes(app: FastifyInstance, state: SimulatorState): void {
  const servicePath = '/admin/services/:department/:service';
  const unknown = (reply: FastifyReply, { department, service }: ServiceParams): FastifyReply =>
    problem(reply, 404, simulatorCodes.unknownService, `no service ${department}/${service}`);

  app.put<{ Params: ServiceParams }>(servicePath, async (request, reply) => {
    const { department, service } = request.params;
    if (findService(department, service) === undefined) return unknown(reply, request.params);
    const parsed = serviceBehaviourSchema.safeParse(request.body);
    if (!parsed.success) {
      return problem(reply, 400, problemCodes.validationFailed, describeIssues(parsed.error));
    }
    state.behaviours.set(serviceKey(department, service), parsed.data);
    return reply.code(200).send(parsed.data);
  });

  app.get<{ Params: ServiceParams }>(servicePath, async (request, reply) => {
    const { department, service } = request.params;
    if (findService(department, service) === undefined) return unknown(reply, request.params);
    return reply.code(200).send(state.behaviours.get(serviceKey(department, service)) ?? {});
  });

  app.delete<{ Params: ServiceParams }>(servicePath, async (request, reply) => {
    const { department, service } = request.params;
    if (findService(department, service) === undefined) return unknown(reply, request.params);
    state.behaviours.delete(serviceKey(department, service));
    return reply.code(204).send();
  });

  app.get('/admin/ledger', async (request, reply) => {
    const filter = recordFilterSchema.safeParse(request.query);
    if (!filter.success)
      return problem(reply, 400, problemCodes.validationFailed, describeIssues(filter.error));
    return reply.code(200).send({ entries: state.ledger.list(filter.data) });
  });

  app.get('/admin/requests', async (request, reply) => {
    const filter = recordFilterSchema.safeParse(request.query);
    if (!filter.success)
      return problem(reply, 400, problemCodes.validationFailed, describeIssues(filter.error));
    return reply.code(200).send({ requests: state.requests.list(filter.data) });
  });

  app.post('/admin/reset', async (_request, reply) => {
    state.ledger.clear();
    state.requests.clear();
    state.behaviours.clear();
    return reply.code(204).send();
  });
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
  const app = Fastify({ logger: options.logger ?? false });
  const limit = options.recordLimit ?? defaultRecordLimit;
  const state: SimulatorState = {
    ledger: new Ledger(limit),
    requests: new RequestLog(limit),
    behaviours: new Map(),
    waits: new Waits(),
    strictInputs: new Map(),
  };

  // An empty JSON body is a missing input, which the department answers as INVALID_INPUT,
  // not a malformed request; anything else goes through Fastify's poisoning-safe parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') done(null, undefined);
    else void parseJson(request, text, done);
  });

  // preClose runs before in-flight requests drain, so requests sleeping on latency answer 503 now.
  app.addHook('preClose', async () => {
    state.waits.wakeAll();
  });
  registerErrorHandling(app);
  app.get('/health', async () => ({ status: 'ok' }));
  registerDepartmentRoutes(app, state);
  registerAdminRoutes(app, state);
  return app;
}

/** Starts a simulator; port 0 (the default) picks a free port, reported in `url`. */
export async function startSimulator(opts: { host?: string; port?: number } = {}): Promise<RunningSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const app = buildSimulator();
  try {
    await app.listen({ host, port: opts.port ?? 0 });
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

/**
 * The department protocol: `POST` a call with an `Idempotency-Key`, answered with a decision or,
 * for a department that decides later, 202 with a receipt; `GET` the case by receipt to poll it,
 * `DELETE` it to cancel it when the application is withdrawn.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findService } from '../catalog/index.js';
import type { ServiceDefinition } from '../definition.js';
import { outageEnd, type ServiceBehaviour } from './behaviour.js';
import { pollAnswer } from './cases.js';
import { registerSupplementRoute } from './supplements.js';
import { issueOutputs, receiptNumber } from './issuers.js';
import type { IssueContext } from './issuers.js';
import type { CallRef, Decision, LaterDecision, LedgerRecord } from './ledger.js';
import {
  describeIssues,
  gatewayPage,
  paddedJson,
  simulatorCodes,
  welcomePage,
  type Problem,
} from './protocol.js';
import { signatureProblem } from './signatures.js';
import { serviceKey, type SimulatorState } from './state.js';

interface ServiceParams {
  department: string;
  service: string;
}

export interface CaseParams extends ServiceParams {
  receiptNumber: string;
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

/** Consumes one gateway answer, if the behaviour has one for this request: the status it answers. */
function gatewayStatus(state: SimulatorState, key: string): number | undefined {
  const gateway = state.behaviours.get(key)?.gatewayError;
  if (gateway === undefined) return undefined;
  if (gateway.next === undefined) return gateway.status;
  if (gateway.next <= 0) return undefined;
  gateway.next -= 1;
  return gateway.status;
}

/**
 * Sends what was decided: a protocol body as JSON (padded to its size when the service answers
 * oversized), a page as HTML.
 */
function send(
  reply: FastifyReply,
  status: number,
  body: object | string,
  behaviour?: ServiceBehaviour,
): FastifyReply {
  if (typeof body === 'string') return reply.code(status).type('text/html').send(body);
  const oversized = behaviour?.oversizedAnswer;
  if (oversized !== undefined) {
    return reply.code(status).type('application/json').send(paddedJson(body, oversized.bytes));
  }
  return reply.code(status).send(body);
}

/**
 * Outage, latency and injected failures, alike for calls and polls: the 503 body to answer, or
 * undefined to go on. A department in an outage answers at once, before any latency.
 */
export async function unavailability(state: SimulatorState, key: string): Promise<Problem | undefined> {
  const down = (): Problem | undefined => {
    const until = outageEnd(state.behaviours.get(key), new Date());
    if (until === undefined) return undefined;
    return { code: simulatorCodes.outage, reason: `the department is down until ${until.toISOString()}` };
  };
  const before = down();
  if (before !== undefined) return before;
  const latencyMs = state.behaviours.get(key)?.latencyMs;
  if (latencyMs !== undefined && latencyMs > 0 && !(await state.waits.pause(latencyMs))) {
    return { code: simulatorCodes.unavailable, reason: 'the department simulator is shutting down' };
  }
  // Read again after the wait: an admin call during the latency applies to this request.
  const after = down();
  if (after !== undefined) return after;
  if (failsNow(state.behaviours.get(key))) {
    return {
      code: simulatorCodes.unavailable,
      reason: 'injected failure: the department is temporarily unavailable',
    };
  }
  return undefined;
}

/** How the department decides a call on its merits: steps 5 to 7 of the protocol. */
function decide(
  state: SimulatorState,
  ref: CallRef,
  definition: ServiceDefinition,
  body: unknown,
  behaviour: ServiceBehaviour,
  context: IssueContext,
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
  const outputs = definition.output.parse(issueOutputs(ref, definition, data, context));
  const receipt = receiptNumber(ref);
  return {
    outcome: 'done',
    status: 200,
    input,
    body: { receiptNumber: receipt, outputs },
    receiptNumber: receipt,
    outputs,
  };
}

/**
 * Records the answer to a first (non-replayed) call. A malformed call is refused at once in every
 * mode; otherwise a `callback` or `poll` department accepts the case and reveals its decision later.
 */
function intake(
  state: SimulatorState,
  ref: CallRef,
  record: LedgerRecord,
  decision: Decision,
  behaviour: ServiceBehaviour,
): Decision {
  const now = new Date();
  const mode = behaviour.decision ?? 'instant';
  const missing = behaviour.supplement?.missing;
  const merits = decision.outcome === 'done' || decision.outcome === 'rejected';
  if (!merits || (mode === 'instant' && missing === undefined)) {
    return state.ledger.decide(record, decision, now);
  }
  const receipt = receiptNumber(ref);
  const verdict: LaterDecision = {
    outcome: decision.outcome === 'rejected' ? 'rejected' : 'done',
    ...(decision.outputs !== undefined && { outputs: decision.outputs }),
    ...(decision.rejection !== undefined && { rejection: decision.rejection }),
  };
  if (mode === 'instant') {
    // Asks at once, in the answer: the case waits for the applicant's supplements.
    const asking: Decision = {
      outcome: 'supplement-required',
      status: 200,
      input: decision.input,
      body: { status: 'supplement-required', receiptNumber: receipt, missing },
      receiptNumber: receipt,
    };
    const answered = state.ledger.decide(record, asking, now);
    state.cases.accept(
      { ref, receiptNumber: receipt, mode, verdict, record, supplementDue: missing ?? [] },
      0,
    );
    return answered;
  }
  const acceptance: Decision = {
    outcome: 'accepted',
    status: 202,
    input: decision.input,
    body: { status: 'accepted', receiptNumber: receipt },
    receiptNumber: receipt,
  };
  const answered = state.ledger.decide(record, acceptance, now);
  state.cases.accept(
    { ref, receiptNumber: receipt, mode, verdict, record, ...(missing ? { supplementDue: missing } : {}) },
    behaviour.decisionDelayMs ?? 0,
  );
  return answered;
}

/** The request's `traceparent`, kept in the request log so tests see that a trace reached the department. */
export function traced(request: FastifyRequest): { traceparent?: string } {
  const header = request.headers.traceparent;
  return typeof header === 'string' ? { traceparent: header } : {};
}

/** The call a case request is about: the accepted case's, or what the request names when unknown. */
export function caseRef(state: SimulatorState, request: FastifyRequest<{ Params: CaseParams }>): CallRef {
  const { department, service, receiptNumber } = request.params;
  const header = request.headers['idempotency-key'];
  return (
    state.cases.find(department, service, receiptNumber)?.ref ?? {
      department,
      service,
      idempotencyKey: typeof header === 'string' ? header : '',
    }
  );
}

export function registerDepartmentRoutes(app: FastifyInstance, state: SimulatorState): void {
  app.post<{ Params: ServiceParams }>(
    '/departments/:department/services/:service',
    async (request, reply) => {
      const { department, service } = request.params;
      const idempotencyKey = request.headers['idempotency-key'];
      const receivedAt = new Date();
      // Checked first: a request Onething did not sign touches neither the ledger nor a behaviour.
      const forged = signatureProblem(state, department, request);
      if (forged !== undefined) {
        const key = typeof idempotencyKey === 'string' ? idempotencyKey : '';
        state.requests.add({
          department,
          service,
          idempotencyKey: key,
          kind: 'submit',
          status: 401,
          at: receivedAt.toISOString(),
        });
        return reply.code(401).send(forged);
      }
      if (typeof idempotencyKey !== 'string' || idempotencyKey.trim() === '') {
        const reason =
          'the Idempotency-Key header is required: repeating it repeats the call, not its effect';
        return reply.code(400).send({ code: simulatorCodes.idempotencyKeyRequired, reason });
      }
      const ref: CallRef = { department, service, idempotencyKey };
      const definition = findService(department, service);
      const record = definition === undefined ? undefined : state.ledger.touch(ref, receivedAt);
      const answer = (status: number, body: object | string): FastifyReply => {
        state.requests.add({
          ...ref,
          kind: 'submit',
          status,
          at: receivedAt.toISOString(),
          ...traced(request),
        });
        return send(reply, status, body, state.behaviours.get(serviceKey(department, service)));
      };

      const bare = gatewayStatus(state, serviceKey(department, service));
      if (bare !== undefined) return answer(bare, gatewayPage(bare));
      if (state.behaviours.get(serviceKey(department, service))?.nonJsonAnswer) {
        return answer(200, welcomePage());
      }
      const refusal = await unavailability(state, serviceKey(department, service));
      if (refusal !== undefined) return answer(503, refusal);

      // No await from here on, so two concurrent requests with one key cannot both decide.
      const decided = record?.decision;
      if (decided != null) return answer(decided.status, decided.body);
      if (definition === undefined || record === undefined) {
        return answer(404, {
          code: simulatorCodes.unknownService,
          reason: `no service ${department}/${service}`,
        });
      }
      const behaviour = state.behaviours.get(serviceKey(department, service)) ?? {};
      if (behaviour.brokenOutputs) {
        return answer(200, { receiptNumber: receiptNumber(ref), outputs: {} });
      }
      let decision: Decision;
      try {
        const merits = decide(state, ref, definition, request.body, behaviour, {
          baseUrl: `${request.protocol}://${request.headers.host ?? request.hostname}`,
        });
        decision = intake(state, ref, record, merits, behaviour);
      } catch (error) {
        state.requests.add({ ...ref, kind: 'submit', status: 500, at: receivedAt.toISOString() });
        throw error;
      }
      return answer(decision.status, decision.body);
    },
  );

  // Undo of a completed call (compensation): acts once per key; `undo: 'fail'` refuses with 503.
  app.post<{ Params: ServiceParams }>(
    '/departments/:department/services/:service/compensations',
    async (request, reply) => {
      const { department, service } = request.params;
      const header = request.headers['idempotency-key'];
      const idempotencyKey = typeof header === 'string' ? header : '';
      const ref: CallRef = { department, service, idempotencyKey };
      const answer = (status: number, body: object | string): FastifyReply => {
        state.requests.add({
          ...ref,
          kind: 'undo',
          status,
          at: new Date().toISOString(),
          ...traced(request),
        });
        return send(reply, status, body);
      };
      const forged = signatureProblem(state, department, request);
      if (forged !== undefined) return answer(401, forged);
      if (idempotencyKey === '') {
        return answer(400, {
          code: simulatorCodes.idempotencyKeyRequired,
          reason: 'the Idempotency-Key header is required',
        });
      }
      if (findService(department, service)?.undo === undefined) {
        return answer(404, {
          code: simulatorCodes.unknownService,
          reason: `${department}/${service} cannot be undone`,
        });
      }
      const bare = gatewayStatus(state, serviceKey(department, service));
      if (bare !== undefined) return answer(bare, gatewayPage(bare));
      const refusal = await unavailability(state, serviceKey(department, service));
      if (refusal !== undefined) return answer(503, refusal);
      if (state.behaviours.get(serviceKey(department, service))?.undo === 'fail') {
        return answer(503, { code: simulatorCodes.unavailable, reason: 'injected failure: the undo failed' });
      }
      return answer(200, { status: 'compensated' });
    },
  );

  app.get<{ Params: CaseParams }>(
    '/departments/:department/services/:service/cases/:receiptNumber',
    async (request, reply) => {
      const { department, service, receiptNumber: receipt } = request.params;
      const ref = caseRef(state, request);
      const receivedAt = new Date().toISOString();
      const answer = (status: number, body: object | string): FastifyReply => {
        state.requests.add({ ...ref, kind: 'poll', status, at: receivedAt, ...traced(request) });
        return send(reply, status, body, state.behaviours.get(serviceKey(department, service)));
      };
      const forged = signatureProblem(state, department, request);
      if (forged !== undefined) return answer(401, forged);
      if (findService(department, service) === undefined) {
        return answer(404, {
          code: simulatorCodes.unknownService,
          reason: `no service ${department}/${service}`,
        });
      }

      const bare = gatewayStatus(state, serviceKey(department, service));
      if (bare !== undefined) return answer(bare, gatewayPage(bare));
      if (state.behaviours.get(serviceKey(department, service))?.nonJsonAnswer) {
        return answer(200, welcomePage());
      }
      const refusal = await unavailability(state, serviceKey(department, service));
      if (refusal !== undefined) return answer(503, refusal);

      // Looked up again: a reset during the latency forgets the case.
      const accepted = state.cases.find(department, service, receipt);
      if (accepted === undefined) {
        return answer(404, {
          code: simulatorCodes.unknownCase,
          reason: `no case ${receipt} at ${department}/${service}`,
        });
      }
      const { status, body } = pollAnswer(accepted);
      return answer(status, body);
    },
  );

  registerSupplementRoute(app, state, { caseRef, traced, unavailability });

  // Onething withdraws a case the applicant gave up: closed undecided, or the decision already made.
  app.delete<{ Params: CaseParams }>(
    '/departments/:department/services/:service/cases/:receiptNumber',
    async (request, reply) => {
      const { department, service, receiptNumber: receipt } = request.params;
      const ref = caseRef(state, request);
      const answer = (status: number, body: object | string): FastifyReply => {
        state.requests.add({
          ...ref,
          kind: 'cancel',
          status,
          at: new Date().toISOString(),
          ...traced(request),
        });
        return send(reply, status, body);
      };
      const forged = signatureProblem(state, department, request);
      if (forged !== undefined) return answer(401, forged);
      const bare = gatewayStatus(state, serviceKey(department, service));
      if (bare !== undefined) return answer(bare, gatewayPage(bare));
      const refusal = await unavailability(state, serviceKey(department, service));
      if (refusal !== undefined) return answer(503, refusal);
      const accepted = state.cases.find(department, service, receipt);
      if (accepted === undefined) {
        return answer(404, {
          code: simulatorCodes.unknownCase,
          reason: `no case ${receipt} at ${department}/${service}`,
        });
      }
      state.cases.cancel(accepted);
      const { status, body } = pollAnswer(accepted);
      return answer(status, body);
    },
  );
}

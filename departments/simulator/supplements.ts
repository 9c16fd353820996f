/**
 * The applicant's supplements (补正) reaching a simulated department: `POST` on the case's
 * `/supplements` with the call's own `Idempotency-Key` and `{ round, answers }`. Each round acts
 * once (a repeat gets the first answer); the answers must cover every item the case asked for.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findService } from '../catalog/index.js';
import { pollAnswer } from './cases.js';
import type { CallRef } from './ledger.js';
import type { Problem } from './protocol.js';
import { describeIssues, simulatorCodes } from './protocol.js';
import { signatureProblem } from './signatures.js';
import { serviceKey, type SimulatorState } from './state.js';
import type { CaseParams } from './department-routes.js';

/** What the department routes share with this one. */
export interface SupplementRouteDeps {
  caseRef: (state: SimulatorState, request: FastifyRequest<{ Params: CaseParams }>) => CallRef;
  traced: (request: FastifyRequest) => { traceparent?: string };
  unavailability: (state: SimulatorState, key: string) => Promise<Problem | undefined>;
}

const supplementBody = z.strictObject({
  round: z.int().min(2),
  answers: z.record(z.string(), z.string().min(1)),
});

/** 409 codes: not a decision about the applicant, so Onething retries them. */
const conflictCodes = {
  /** The case does not wait for supplements (never asked, answered already, closed). */
  notAsking: 'NOT_ASKING',
  /** The request's key is not the key of the call the case was opened by. */
  keyMismatch: 'KEY_MISMATCH',
} as const;

export function registerSupplementRoute(
  app: FastifyInstance,
  state: SimulatorState,
  deps: SupplementRouteDeps,
): void {
  app.post<{ Params: CaseParams }>(
    '/departments/:department/services/:service/cases/:receiptNumber/supplements',
    async (request, reply) => {
      const { department, service, receiptNumber: receipt } = request.params;
      const ref = deps.caseRef(state, request);
      const header = request.headers['idempotency-key'];
      const key = typeof header === 'string' ? header : '';
      const parsed = supplementBody.safeParse(request.body);
      const round = parsed.success ? parsed.data.round : undefined;
      const answer = (status: number, body: object): FastifyReply => {
        state.requests.add({
          ...ref,
          idempotencyKey: key,
          kind: 'supplement',
          status,
          at: new Date().toISOString(),
          ...(round !== undefined ? { round } : {}),
          ...(parsed.success ? { answers: parsed.data.answers } : {}),
          ...deps.traced(request),
        });
        return reply.code(status).send(body);
      };
      const forged = signatureProblem(state, department, request);
      if (forged !== undefined) return answer(401, forged);
      if (key.trim() === '') {
        return answer(400, {
          code: simulatorCodes.idempotencyKeyRequired,
          reason: 'the Idempotency-Key header is required: the key of the call the case was opened by',
        });
      }
      if (findService(department, service) === undefined) {
        return answer(404, {
          code: simulatorCodes.unknownService,
          reason: `no service ${department}/${service}`,
        });
      }
      const refusal = await deps.unavailability(state, serviceKey(department, service));
      if (refusal !== undefined) return answer(503, refusal);
      const accepted = state.cases.find(department, service, receipt);
      if (accepted === undefined) {
        return answer(404, {
          code: simulatorCodes.unknownCase,
          reason: `no case ${receipt} at ${department}/${service}`,
        });
      }
      if (accepted.ref.idempotencyKey !== key) {
        return answer(409, {
          code: conflictCodes.keyMismatch,
          reason: `case ${receipt} belongs to another call's key`,
        });
      }
      if (!parsed.success) {
        return answer(400, { code: simulatorCodes.invalidInput, reason: describeIssues(parsed.error) });
      }
      // No await from here on, so two requests of one round cannot both act.
      const repeat = accepted.supplements.get(parsed.data.round);
      if (repeat !== undefined) return answer(repeat.status, repeat.body);
      const asking = accepted.asking;
      if (asking === null) {
        return answer(409, {
          code: conflictCodes.notAsking,
          reason: `case ${receipt} asks for no supplements`,
        });
      }
      const unanswered = asking.filter((item) => !parsed.data.answers[item]?.trim());
      if (unanswered.length > 0) {
        return answer(400, {
          code: simulatorCodes.invalidInput,
          reason: `answers: missing ${unanswered.join(', ')}`,
        });
      }
      const behaviour = state.behaviours.get(serviceKey(department, service)) ?? {};
      state.cases.supplemented(accepted, behaviour.decisionDelayMs ?? 0);
      // An instant department decides in the answer; one that decides later accepts the answers.
      const given =
        accepted.mode === 'instant'
          ? pollAnswer(accepted)
          : { status: 202, body: { status: 'accepted', receiptNumber: receipt } };
      accepted.supplements.set(parsed.data.round, given);
      return answer(given.status, given.body);
    },
  );
}

/**
 * Admin endpoints: tests, the demo and benchmarks shape each service's behaviour, point callbacks
 * at Onething, decide accepted cases now, and read what the departments received.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { problemCodes } from '../../schemas/error-codes.js';
import { findService } from '../catalog/index.js';
import { pinOutage, serviceBehaviourSchema } from './behaviour.js';
import { callbackConfigSchema } from './callbacks.js';
import { describeIssues, problem, simulatorCodes } from './protocol.js';
import { serviceKey, type SimulatorState } from './state.js';

interface ServiceParams {
  department: string;
  service: string;
}

const recordFilterSchema = z.strictObject({
  department: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  keyPrefix: z.string().min(1).optional(),
});

export function registerAdminRoutes(app: FastifyInstance, state: SimulatorState): void {
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
    const behaviour = pinOutage(parsed.data, new Date());
    state.behaviours.set(serviceKey(department, service), behaviour);
    return reply.code(200).send(behaviour);
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

  // Decides an accepted case now rather than after its delay, so a test never waits on the clock.
  app.post<{ Params: ServiceParams & { receiptNumber: string } }>(
    `${servicePath}/decide/:receiptNumber`,
    async (request, reply) => {
      const { department, service, receiptNumber } = request.params;
      if (findService(department, service) === undefined) return unknown(reply, request.params);
      const accepted = state.cases.find(department, service, receiptNumber);
      if (accepted === undefined) {
        const reason = `no case ${receiptNumber} at ${department}/${service}`;
        return problem(reply, 404, simulatorCodes.unknownCase, reason);
      }
      state.cases.decide(accepted);
      return reply.code(200).send({
        receiptNumber,
        outcome: accepted.verdict.outcome,
        decidedAt: accepted.decidedAt?.toISOString(),
      });
    },
  );

  // Kept across a reset: where Onething listens is wiring, not a behaviour.
  app.put('/admin/callbacks', async (request, reply) => {
    const parsed = callbackConfigSchema.safeParse(request.body);
    if (!parsed.success) {
      return problem(reply, 400, problemCodes.validationFailed, describeIssues(parsed.error));
    }
    state.callbacks.configure(parsed.data);
    // No body: the secrets are never sent back.
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
    state.cases.clear();
    state.callbacks.cancelAll();
    state.ledger.clear();
    state.requests.clear();
    state.behaviours.clear();
    return reply.code(204).send();
  });
}

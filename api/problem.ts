import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDatabaseUnavailable } from '../db/pool.js';
import type { Problem } from '../schemas/api.js';
import { problemCodes } from '../schemas/error-codes.js';
import type { ProblemCode } from '../schemas/error-codes.js';

/** An error a route throws to answer with a problem; its text is meant for the client. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: Problem['errors'],
  ) {
    super(detail ?? title);
  }
}

const problemType = (code: ProblemCode) =>
  `https://onething.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`;

/** Seconds a client waits before sending again a request answered 503 (nothing was changed). */
export const retryAfterSeconds = 5;

export function sendProblem(reply: FastifyReply, problem: Omit<Problem, 'type'>): FastifyReply {
  const code = problem.code as ProblemCode;
  // A 503 always says when to try again, so portals and their HTTP clients back off the same way.
  if (problem.status === 503 && !reply.hasHeader('retry-after'))
    reply.header('retry-after', String(retryAfterSeconds));
  return (
    reply
      .code(problem.status)
      .type('application/problem+json')
      // Never through the route's response schema: a route may declare the same status for its
      // own answer (a readiness probe's 503), and a problem must not turn into a 500 there.
      .serializer((payload: unknown) => JSON.stringify(payload))
      .send({ type: problemType(code), ...problem })
  );
}

/**
 * The one error handler: validation and parsing errors become 4xx problems that say what is
 * wrong; anything unexpected is logged and answered with a 500 that says nothing internal.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof ProblemError) {
    return sendProblem(reply, {
      status: error.status,
      code: error.code,
      title: error.title,
      ...(error.detail ? { detail: error.detail } : {}),
      ...(error.errors ? { errors: error.errors } : {}),
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? 'request';
    const errors = error.validation.map((issue) => ({
      path: [where, ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'invalid',
    }));
    if (where === 'headers' && errors.some((e) => e.path.startsWith('headers.idempotency-key'))) {
      return sendProblem(reply, {
        status: 400,
        code: problemCodes.idempotencyKeyRequired,
        title: 'An Idempotency-Key header is required',
        detail: 'Send a key of 1 to 200 characters, the same for every retry of one submission.',
      });
    }
    return sendProblem(reply, {
      status: 400,
      code: problemCodes.validationFailed,
      title: 'The request is not valid',
      detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      errors,
    });
  }
  const status = error.statusCode ?? 500;
  if (status === 415) {
    return sendProblem(reply, {
      status,
      code: problemCodes.unsupportedMediaType,
      title: 'Send application/json',
    });
  }
  if (status === 413) {
    return sendProblem(reply, {
      status,
      code: problemCodes.payloadTooLarge,
      title: 'The request body is too large',
    });
  }
  if (status === 400 && (error.code?.startsWith('FST_ERR_CTP') || error instanceof SyntaxError)) {
    return sendProblem(reply, {
      status,
      code: problemCodes.malformedJson,
      title: 'The request body is not valid JSON',
      detail: error.message,
    });
  }
  if (status >= 400 && status < 500) {
    return sendProblem(reply, { status, code: problemCodes.validationFailed, title: error.message });
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'PostgreSQL unavailable');
    return sendProblem(reply, {
      status: 503,
      code: problemCodes.databaseUnavailable,
      title: 'The service is briefly unavailable',
      detail: `Nothing was changed. Send the same request again after ${retryAfterSeconds} seconds (with the same Idempotency-Key, if it had one).`,
    });
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, { status: 500, code: problemCodes.internal, title: 'Internal error' });
}

/**
 * What the router refuses before any route runs (a path parameter longer than 100 characters, a
 * URL it cannot decode) is a 400 problem like any other bad input.
 */
export function handleFrameworkError(
  error: FastifyError,
  _request: FastifyRequest,
  reply: FastifyReply,
): void {
  void sendProblem(reply, {
    status: 400,
    code: problemCodes.validationFailed,
    title: 'The URL is not valid',
    detail: error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'A path parameter is too long.' : error.message,
  });
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply) {
  return sendProblem(reply, {
    status: 404,
    code: problemCodes.routeNotFound,
    title: 'No such route',
    detail: `${request.method} ${request.url.split('?')[0]} is not a route of this API; see /docs`,
  });
}

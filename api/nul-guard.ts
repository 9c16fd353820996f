import type { FastifyInstance } from 'fastify';
import { problemCodes } from '../schemas/error-codes.js';
import { ProblemError } from './problem.js';

/** The path of the first string holding a NUL character, if any. */
function nulPath(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const found = nulPath(child, `${path}.${key}`);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * PostgreSQL text and jsonb cannot hold a NUL character, so a request carrying one is refused
 * at the edge with a 400 naming the field, before it can reach a query and fail there.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const where =
      nulPath(request.params, 'params') ??
      nulPath(request.query, 'querystring') ??
      nulPath(request.body, 'body');
    if (where) {
      throw new ProblemError(
        400,
        problemCodes.validationFailed,
        'The request is not valid',
        `${where}: contains a NUL character`,
        [{ path: where, message: 'contains a NUL character' }],
      );
    }
  });
}

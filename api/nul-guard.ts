import type { FastifyInstance } from 'fastify';
import { problemCodes } from '../schemas/error-codes.js';
import { ProblemError } from './problem.js';

/**
 * How deep a request may nest objects and arrays. No body of this API nests past a handful of
 * levels (a form is four); a deeper one is refused at the edge, so nothing after it (validation,
 * hashing, logging) walks a structure deep enough to overflow the stack.
 */
export const maxRequestDepth = 64;

/** What is wrong where: the first string holding a NUL character, or the first value nested too deep. */
function refusal(value: unknown, root: string): { path: string; message: string } | undefined {
  // A stack of its own, not recursion: the body's depth is not known yet.
  const pending: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: root, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current, path, depth } = next;
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return { path, message: 'contains a NUL character' };
    } else if (current !== null && typeof current === 'object') {
      if (depth >= maxRequestDepth) {
        return { path, message: `nested deeper than ${maxRequestDepth} levels` };
      }
      // Reversed, so the first field is looked at first and named first.
      const children = Object.entries(current).reverse();
      for (const [key, child] of children)
        pending.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * PostgreSQL text and jsonb cannot hold a NUL character, so a request carrying one is refused
 * at the edge with a 400 naming the field, before it can reach a query and fail there; so is a
 * request nested deeper than {@link maxRequestDepth}.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found =
      refusal(request.params, 'params') ??
      refusal(request.query, 'querystring') ??
      refusal(request.body, 'body');
    if (found) {
      throw new ProblemError(
        400,
        problemCodes.validationFailed,
        'The request is not valid',
        `${found.path}: ${found.message}`,
        [found],
      );
    }
  });
}

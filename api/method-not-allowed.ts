import type { FastifyInstance } from 'fastify';
import { problemCodes } from '../schemas/error-codes.js';
import { handleNotFound, sendProblem } from './problem.js';

/** `/v1/applications/:id/events` → a pattern that matches its concrete paths. */
function patternOf(url: string): RegExp {
  const escaped = url
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) return '[^/]+';
      if (part === '*') return '.*';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${escaped}/?$`);
}

/**
 * A method a path does not have is 405 with `Allow` (RFC 9110), not 404: the client learns the
 * resource exists and what it may do with it. Call before any route is added; the router knows
 * only exact method and path pairs, so the routes are collected here as they are added.
 */
export function answerUndeclaredMethods(app: FastifyInstance): void {
  const routes = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  app.addHook('onRoute', (route) => {
    const entry = routes.get(route.url) ?? { pattern: patternOf(route.url), methods: new Set<string>() };
    for (const method of [route.method].flat()) entry.methods.add(method.toUpperCase());
    routes.set(route.url, entry);
  });
  // onRequest, before the body is parsed: a body method without one (QUERY) is still a 405.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0] ?? '';
    const allowed = new Set<string>();
    for (const { pattern, methods } of routes.values()) {
      if (pattern.test(path)) for (const method of methods) allowed.add(method);
    }
    if (allowed.size === 0 || allowed.has(request.method)) return;
    const allow = [...allowed].sort().join(', ');
    reply.header('allow', allow);
    await sendProblem(reply, {
      status: 405,
      code: problemCodes.methodNotAllowed,
      title: 'Method not allowed',
      detail: `${path} answers ${allow}; see /docs`,
    });
  });
  app.setNotFoundHandler(handleNotFound);
}

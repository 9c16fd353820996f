import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { problemCodes } from '../../schemas/error-codes.js';
import { ProblemError } from '../problem.js';

/** Where the console's static files live, next to the API and served by it (no build step). */
const consoleDir = new URL('../../console/', import.meta.url);

/**
 * Every file the console is made of. Only these names are served: a request is looked up in this
 * list, never joined to a path, so no URL can reach another file.
 */
export const consoleFiles = [
  'index.html',
  'console.css',
  'app.js',
  'api.js',
  'dom.js',
  'format.js',
  'i18n.js',
  'contract.js',
  'sign-in.js',
  'stuck-list.js',
  'application-page.js',
  'timeline-chart.js',
  'repair-actions.js',
  'audit-log.js',
  'action-form.js',
  'departments-page.js',
  'bulk-start.js',
  'bulk-progress.js',
  'bulk-list.js',
  'bulk-job.js',
  'task-page.js',
  'output-fields.js',
  'decision-form.js',
  'video-verification.js',
  'work-list-page.js',
  'work-list-words.js',
  'work-list-live.js',
] as const;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/**
 * The browser may load scripts, styles and data only from this API, and no page may frame the
 * console: an injected value can then neither run nor send anything elsewhere.
 */
export const consoleContentSecurityPolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/**
 * The operators' web console: static files only. They hold no data and so are public; every
 * datum comes from the authenticated API, with the operator's session cookie.
 */
export const consoleRoutes: FastifyPluginAsync = async (app) => {
  // Read once at start-up: a missing file stops the API from starting rather than a page from loading.
  const files = new Map<string, { body: Buffer; type: string }>();
  for (const name of consoleFiles) {
    const type = contentTypes[extname(name)];
    if (!type) throw new Error(`console file ${name} has no known content type`);
    files.set(name, { body: await readFile(new URL(name, consoleDir)), type });
  }

  function send(reply: FastifyReply, name: string) {
    const file = files.get(name);
    if (!file) {
      throw new ProblemError(404, problemCodes.routeNotFound, 'No such console file', `/console/${name}`);
    }
    return reply
      .header('content-security-policy', consoleContentSecurityPolicy)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .type(file.type)
      .send(file.body);
  }

  const options = { config: { access: 'public' as const }, schema: { hide: true } };
  app.get('/console', options, async (_request, reply) => send(reply, 'index.html'));
  app.get<{ Params: { '*': string } }>('/console/*', options, async (request, reply) =>
    send(reply, request.params['*'] === '' ? 'index.html' : request.params['*']),
  );
};

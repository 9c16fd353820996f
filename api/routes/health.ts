import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pendingMigrations } from '../../db/migrate.js';
import { notReadySchema } from '../../schemas/api.js';
import type { NotReadyPart } from '../../schemas/api.js';
import { notReady } from '../../health/not-ready.js';
import { healthPaths } from '../../health/paths.js';
import type { ApiDeps } from '../deps.js';
import { retryAfterSeconds } from '../problem.js';

const okSchema = z.object({ status: z.literal('ok') });

/** How long a readiness probe waits for Temporal before it counts as down. */
const temporalCheckMs = 2000;

/**
 * Probes for load balancers and orchestrators: `live` says the process runs, `ready` that it can
 * serve (PostgreSQL and Temporal reachable, migrations applied). Public: they say nothing else.
 */
export const healthRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const live = async () => ({ status: 'ok' as const });
  const liveSchema = {
    summary: 'The process runs',
    tags: ['operations'],
    response: { 200: okSchema },
  };
  app.get(healthPaths.live, { config: { access: 'public' }, schema: liveSchema }, live);
  // The route of the first version; the same answer as /health/live.
  app.get('/health', { config: { access: 'public' }, schema: { ...liveSchema, hide: true } }, live);

  app.get(
    healthPaths.ready,
    {
      config: { access: 'public' },
      schema: {
        summary: 'PostgreSQL and Temporal are reachable and the migrations applied',
        tags: ['operations'],
        response: { 200: okSchema, 503: notReadySchema },
      },
    },
    async (_request, reply) => {
      const down = await readinessProblems(deps);
      if (down.length === 0) return { status: 'ok' as const };
      return reply
        .code(503)
        .header('retry-after', String(retryAfterSeconds))
        .type('application/problem+json')
        .send(notReady(down));
    },
  );
};

/** What keeps the API from serving, by name; empty when nothing does. */
async function readinessProblems(deps: ApiDeps): Promise<NotReadyPart[]> {
  const [database, temporal] = await Promise.all([
    pendingMigrations(deps.pool).then(
      (pending): NotReadyPart[] => (pending.length === 0 ? [] : ['migrations']),
      (): NotReadyPart[] => ['postgres'],
    ),
    deps.temporal.connection
      .withDeadline(Date.now() + temporalCheckMs, () => deps.temporal.workflowService.getSystemInfo({}))
      .then(
        (): NotReadyPart[] => [],
        (): NotReadyPart[] => ['temporal'],
      ),
  ]);
  return [...database, ...temporal];
}

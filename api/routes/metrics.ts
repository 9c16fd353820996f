import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { metricsContentType, renderMetrics } from '../../metrics/render.js';
import { createServiceMetrics } from '../../metrics/service.js';
import { problemResponses } from '../../schemas/api.js';
import type { ApiDeps } from '../deps.js';

/**
 * Prometheus metrics for operators' keys: the process's own (the worker's too, when both run in
 * one process), the read model's gauges, and the Temporal SDK's. A deployment that scrapes
 * without keys sets METRICS_PORT instead (`metrics/scrape-server.ts`).
 */
export const metricsRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const metrics = deps.metrics ?? createServiceMetrics();
  app.get(
    '/metrics',
    {
      config: { access: ['operator', 'admin'] },
      schema: {
        summary: 'Metrics in the Prometheus text format',
        tags: ['operations'],
        response: {
          200: {
            description: 'the Prometheus text format (version 0.0.4)',
            content: { 'text/plain': { schema: z.string() } },
          },
          ...problemResponses(401, 403),
        },
      },
    },
    async (_request, reply) => {
      const text = await renderMetrics({
        metrics,
        pool: deps.pool,
        ...(deps.temporalMetricsUrl ? { temporalMetricsUrl: deps.temporalMetricsUrl } : {}),
      });
      return reply.type(metricsContentType).send(text);
    },
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { countOpenTasks } from '../../db/work-list.js';
import { problemResponses } from '../../schemas/api.js';
import { formatLabels } from '../../metrics/registry.js';
import { createTaskMetrics } from '../../metrics/work-list.js';
import type { ApiDeps } from '../deps.js';

/**
 * Prometheus metrics: the process's counters (shared with the worker when both run in one
 * process) and the work list's gauges, read from PostgreSQL so every API instance agrees.
 */
export const metricsRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const { registry } = deps.metrics ?? createTaskMetrics();
  app.get(
    '/metrics',
    {
      config: { access: ['operator', 'admin'] },
      schema: {
        summary: 'Metrics in the Prometheus text format',
        tags: ['operations'],
        response: {
          200: z.string().describe('text/plain; version=0.0.4'),
          ...problemResponses(401, 403),
        },
      },
    },
    async (_request, reply) => {
      const counts = await countOpenTasks(deps.pool);
      const lines = [
        '# HELP onething_tasks_open Work-list tasks not yet completed.',
        '# TYPE onething_tasks_open gauge',
        ...counts.map(
          (c) =>
            `onething_tasks_open${formatLabels({ department: c.department, queue: c.queue, status: c.status })} ${c.count}`,
        ),
        '# HELP onething_tasks_overdue Work-list tasks past their due time and not completed.',
        '# TYPE onething_tasks_overdue gauge',
        ...counts.map(
          (c) =>
            `onething_tasks_overdue${formatLabels({ department: c.department, queue: c.queue, status: c.status })} ${c.overdue}`,
        ),
      ];
      return reply
        .type('text/plain; version=0.0.4; charset=utf-8')
        .send(`${registry.render()}${lines.join('\n')}\n`);
    },
  );
};

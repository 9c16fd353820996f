import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { reconcile } from '../../ops/reconcile.js';
import { problemResponses } from '../../schemas/api.js';
import { reconcileBodySchema, reconcileReportSchema } from '../../schemas/reconcile.js';
import { audited } from '../audit.js';
import { principalOf } from '../auth/authenticate.js';
import { roleLabel } from '../auth/principal.js';
import type { ApiDeps } from '../deps.js';

/**
 * Reconciliation: the read model is compared with the workflows, the source of truth, and rows
 * changed or deleted behind the engine's back are repaired (ops/reconcile.ts). The run is audited
 * with its summary, and each repaired application has an entry of its own.
 */
export const opsReconcileRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    '/v1/ops/reconcile',
    {
      config: { access: ['operator', 'admin'] },
      schema: {
        summary: 'Find and repair read-model rows that differ from their workflows',
        description:
          'Checks every application whose status is not final, and every application workflow Temporal lists as running (and, with `since`, recently closed), against the workflow: the application status and each step (status, outputs, error, receipt, what it waits for, due date where the workflow knows it). Differences are repaired by transitions keyed `reconcile:…`, so events and webhooks carry them. One page of `limit` applications per call.',
        tags: ['operations'],
        body: reconcileBodySchema,
        response: { 200: reconcileReportSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { dryRun, since, after, limit, reason } = request.body;
      const principal = principalOf(request);
      return audited(
        deps.pool,
        request,
        { action: 'reconcile.run', ...(reason ? { reason } : {}), detail: { dryRun } },
        async (note) => {
          const report = await reconcile(
            { pool: deps.pool, temporal: deps.temporal, taskQueue: deps.taskQueue },
            {
              dryRun,
              limit,
              actor: { actorKey: principal.keyId, actorName: principal.name, role: roleLabel(principal) },
              ...(since === undefined ? {} : { sinceMs: since }),
              ...(after === undefined ? {} : { after }),
              ...(reason === undefined ? {} : { reason }),
            },
          );
          // Ids only: the workflows an operator must look at, and how the run went.
          note({
            detail: {
              dryRun,
              summary: report.summary,
              unrepairable: report.findings
                .filter((f) => f.outcome === 'unrepairable')
                .slice(0, 100)
                .map((f) => f.workflowId),
            },
          });
          return report;
        },
      );
    },
  );
};

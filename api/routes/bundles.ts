import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  bundleDetailSchema,
  bundleIdParamsSchema,
  bundleSummarySchema,
  problemSchema,
} from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { bundleDetailOf, bundleSummaryOf } from '../bundle-detail.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

export const bundleRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const details = new Map([...deps.bundles.values()].map((b) => [b.id, bundleDetailOf(b)]));

  app.get(
    '/v1/bundles',
    {
      // The catalogue is public information, like a government service guide.
      config: { access: 'public' },
      schema: {
        summary: 'The bundles a portal can offer',
        tags: ['bundles'],
        response: { 200: z.object({ bundles: z.array(bundleSummarySchema) }) },
      },
    },
    async () => ({ bundles: [...deps.bundles.values()].map(bundleSummaryOf) }),
  );

  app.get(
    '/v1/bundles/:id',
    {
      config: { access: 'public' },
      schema: {
        summary: 'A bundle: its form as JSON Schema, its steps, and an example request',
        tags: ['bundles'],
        params: bundleIdParamsSchema,
        response: { 200: bundleDetailSchema, 404: problemSchema },
      },
    },
    async (request) => {
      const detail = details.get(request.params.id);
      if (!detail) {
        throw new ProblemError(
          404,
          problemCodes.unknownBundle,
          `No bundle ${request.params.id}`,
          'See GET /v1/bundles',
        );
      }
      return detail;
    },
  );
};

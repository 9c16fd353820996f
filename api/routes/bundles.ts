import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BundleDefinition } from '../../bundles/definition.js';
import { departments } from '../../departments/catalog/index.js';
import {
  bundleDetailSchema,
  bundleIdParamsSchema,
  bundleSummarySchema,
  problemSchema,
} from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

const summaryOf = (b: BundleDefinition) => ({
  id: b.id,
  version: b.version,
  title: b.title,
  description: b.description,
  leadDepartment: b.leadDepartment,
  promisedWorkingDays: b.promisedWorkingDays,
});

/** What a portal needs to draw the form and "what will happen". Computed once: definitions do not change at run time. */
function detailOf(b: BundleDefinition) {
  return {
    ...summaryOf(b),
    applicant: z.toJSONSchema(b.applicant, { io: 'input' }) as Record<string, unknown>,
    form: z.toJSONSchema(b.form, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
    steps: b.steps.map((s) => ({
      id: s.id,
      title: s.title,
      department: s.department,
      departmentTitle: departments[s.department]?.title ?? { zh: s.department, en: s.department },
      service: s.service,
      after: s.after,
      optional: s.optInField !== undefined,
      optInField: s.optInField ?? null,
      appliesWhen: s.appliesWhen ?? null,
      timeLimitWorkingDays: s.timeLimitWorkingDays,
    })),
    example: b.example,
    otherExamples: b.otherExamples ?? [],
  };
}

export const bundleRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const details = new Map([...deps.bundles.values()].map((b) => [b.id, detailOf(b)]));

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
    async () => ({ bundles: [...deps.bundles.values()].map(summaryOf) }),
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

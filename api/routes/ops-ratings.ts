import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { departments } from '../../departments/catalog/index.js';
import { bundleRatingFigures, departmentRatingFigures } from '../../db/ratings.js';
import { problemResponses } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import {
  opsRatingsQuerySchema,
  opsRatingsSchema,
  ratingsPeriodDefaultDays,
  ratingsPeriodMaxDays,
} from '../../schemas/ratings.js';
import type { OpsRatings } from '../../schemas/ratings.js';
import { principalOf } from '../auth/authenticate.js';
import { departmentScope, requireDepartment } from '../auth/scope.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

const dayMs = 86_400_000;

type Issue = { path: string; message: string };

/** The period and filters, each checked: a 400 names every bad parameter. */
function checkedFilter(
  query: {
    from?: string | undefined;
    to?: string | undefined;
    department?: string | undefined;
    bundle?: string | undefined;
  },
  bundles: ReadonlyMap<string, unknown>,
  now: Date,
) {
  const to = query.to === undefined ? now : new Date(query.to);
  const from =
    query.from === undefined
      ? new Date(to.getTime() - ratingsPeriodDefaultDays * dayMs)
      : new Date(query.from);
  const errors: Issue[] = [];
  if (from >= to) errors.push({ path: 'querystring.from', message: 'must be before `to`' });
  else if (to.getTime() - from.getTime() > ratingsPeriodMaxDays * dayMs)
    errors.push({ path: 'querystring.from', message: `the period is at most ${ratingsPeriodMaxDays} days` });
  if (query.department !== undefined && departments[query.department] === undefined)
    errors.push({ path: 'querystring.department', message: `no department ${query.department}` });
  if (query.bundle !== undefined && !bundles.has(query.bundle))
    errors.push({ path: 'querystring.bundle', message: `no bundle ${query.bundle}` });
  if (errors.length > 0)
    throw new ProblemError(
      400,
      problemCodes.validationFailed,
      'The request is not valid',
      errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      errors,
    );
  return { from, to };
}

const average = (text: string | null) => (text === null ? null : Number(text));

/** The operators' figures of 好差评: counts and averages over a period, per bundle and department. */
export const opsRatingRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    '/v1/ops/ratings',
    {
      config: { access: ['operator'] },
      schema: {
        summary: 'Ratings (好差评) over a period: per bundle, and per department and bundle',
        description: `Ratings given from \`from\` (default: ${ratingsPeriodDefaultDays} days before \`to\`) to \`to\` (default: now), at most ${ratingsPeriodMaxDays} days: how many, the average stars and the 差评 (1 or 2 stars); for departments also their rectifications (open, overdue, replied). A scoped operator sees its own department (another is 403 \`OUT_OF_SCOPE\`).`,
        tags: ['ops'],
        querystring: opsRatingsQuerySchema,
        response: { 200: opsRatingsSchema, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request): Promise<OpsRatings> => {
      const { query } = request;
      if (query.department !== undefined) requireDepartment(request, query.department);
      const { from, to } = checkedFilter(query, deps.bundles, new Date());
      const department = query.department ?? departmentScope(principalOf(request));
      const filter = {
        from,
        to,
        ...(department === undefined ? {} : { department }),
        ...(query.bundle === undefined ? {} : { bundleId: query.bundle }),
      };
      const [bundles, byDepartment] = await Promise.all([
        bundleRatingFigures(deps.pool, filter),
        departmentRatingFigures(deps.pool, filter),
      ]);
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        bundles: bundles.map((b) => ({
          bundleId: b.bundle_id,
          ratings: b.ratings,
          averageStars: average(b.average),
          bad: b.bad,
        })),
        departments: byDepartment.map((d) => ({
          department: d.department,
          bundleId: d.bundle_id,
          ratings: d.ratings,
          averageStars: average(d.average),
          bad: d.bad,
          rectifications: { open: d.open, overdue: d.overdue, replied: d.replied },
        })),
      };
    },
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { defaultBusinessCalendar } from '../../calendar/load.js';
import { findRating, insertRating } from '../../db/ratings.js';
import { applicationIdParamsSchema, problemResponses } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { ratingBodySchema, ratingViewSchema } from '../../schemas/ratings.js';
import { finalApplicationStatuses } from '../../schemas/status.js';
import { readableApplication } from '../application-access.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { newRating, ratingView } from '../ratings.js';

/**
 * 好差评: the applicant, through the portal that owns the application, rates it once it has
 * ended. The body's comments are the citizen's words: sealed before they are stored, never logged.
 */
export const ratingRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    '/v1/applications/:id/rating',
    {
      config: { access: ['portal'] },
      schema: {
        summary: 'Rate (好差评) an ended application: the whole service and each department’s item',
        description:
          'Once per application, after it ended (completed, partially completed, rejected, withdrawn or failed): 1–5 stars and an optional comment for the whole service and for any item a department handled. An item rated 1 or 2 (差评) opens a rectification task for its department, answered within 3 working days; so does a whole service rated 1 or 2, for every department that handled an item. A second rating is refused with 409 `RATING_ALREADY_GIVEN`, one before the end with 409 `APPLICATION_NOT_ENDED`; the rating and its follow-up show in `GET /v1/applications/:id` as `rating`.',
        tags: ['applications'],
        params: applicationIdParamsSchema,
        body: ratingBodySchema,
        response: {
          201: ratingViewSchema.describe('the rating as received, with the rectifications it opened'),
          ...problemResponses(400, 401, 403, 404, 409, 429),
        },
      },
    },
    async (request, reply) => {
      const { application, steps } = await readableApplication(deps.pool, request, request.params.id);
      if (!finalApplicationStatuses.includes(application.status))
        throw new ProblemError(
          409,
          problemCodes.applicationNotEnded,
          'The application has not ended yet',
          `It is ${application.status}; it can be rated once it has ended.`,
        );
      const calendar = deps.calendar ?? defaultBusinessCalendar();
      const rating = newRating(application.id, request.body, steps, calendar, new Date());
      if (!(await insertRating(deps.pool, rating)))
        throw new ProblemError(
          409,
          problemCodes.ratingAlreadyGiven,
          'The application was rated already',
          'A rating is given once; GET /v1/applications/:id shows it.',
        );
      const stored = await findRating(deps.pool, application.id);
      if (!stored) throw new Error(`the rating of ${application.id} vanished`);
      return reply.code(201).send(ratingView(stored));
    },
  );
};

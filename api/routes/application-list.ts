import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listApplicationsOfClient } from '../../db/application-list.js';
import type { ApplicationListFilter } from '../../db/application-list.js';
import { applicantHashes } from '../../privacy/lookup-hash.js';
import { problemResponses } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import {
  applicantIdHeader,
  applicationListSchema,
  myApplicationsHeadersSchema,
  myApplicationsQuerySchema,
} from '../../schemas/portal.js';
import { portalClientOf } from '../auth/authenticate.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

const cursorKey = z.tuple([z.string().regex(/^-?\d{1,20}$/), z.uuid()]);

/** The client id of the calling portal: it lists only what it created. */
function badFilter(path: string, message: string): ProblemError {
  return new ProblemError(
    400,
    problemCodes.validationFailed,
    'The filter is not valid',
    `${path}: ${message}`,
    [{ path, message }],
  );
}

/** "My applications": a portal's own applications, filtered, newest first, a page at a time. */
export const applicationListRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    '/v1/applications',
    {
      config: { access: ['portal'] },
      schema: {
        summary: "Your portal's applications, newest first (my applications)",
        description:
          `Only applications this portal created. Filter by applicant with the \`${applicantIdHeader}\` header ` +
          '(the ID number is compared as a keyed hash and never stored, logged or put in a URL), and by ' +
          'bundle, status and creation time; page with `nextCursor`.',
        tags: ['applications'],
        headers: myApplicationsHeadersSchema,
        querystring: myApplicationsQuerySchema,
        response: { 200: applicationListSchema, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const { bundle, status, createdFrom, createdTo, limit, cursor } = request.query;
      const unknownBundle = bundle?.find((id) => !deps.bundles.has(id));
      if (unknownBundle !== undefined)
        throw badFilter('querystring.bundle', `no bundle ${unknownBundle}; see GET /v1/bundles`);
      const from = createdFrom === undefined ? undefined : new Date(createdFrom);
      const to = createdTo === undefined ? undefined : new Date(createdTo);
      if (from && to && from >= to) throw badFilter('querystring.createdTo', 'must be after createdFrom');
      const idNumber = request.headers[applicantIdHeader];
      const filter: ApplicationListFilter = {
        // Without a keyring no application carries a hash, so an applicant matches none.
        ...(idNumber === undefined
          ? {}
          : { applicantHashes: deps.keyring ? applicantHashes(deps.keyring, idNumber) : [] }),
        ...(bundle ? { bundleIds: bundle } : {}),
        ...(status ? { statuses: status } : {}),
        ...(from ? { createdFrom: from } : {}),
        ...(to ? { createdBefore: to } : {}),
      };
      const before = cursor === undefined ? undefined : decodeCursor(cursor, cursorKey);
      const page = await listApplicationsOfClient(deps.pool, portalClientOf(request), filter, {
        limit,
        ...(before ? { before: { createdUs: before[0], id: before[1] } } : {}),
      });
      const last = page.rows.at(-1);
      // The answer depends on a header: no cache may give one applicant's list for another's.
      void reply.header('cache-control', 'no-store').header('vary', applicantIdHeader);
      return {
        applications: page.rows.map((row) => ({
          id: row.id,
          bundleId: row.bundle_id,
          title: deps.bundles.get(row.bundle_id)?.title ?? null,
          status: row.status,
          createdAt: row.created_at.toISOString(),
          updatedAt: row.updated_at.toISOString(),
          dueAt: row.due_at?.toISOString() ?? null,
        })),
        nextCursor: page.more && last ? encodeCursor([last.created_us, last.id]) : null,
      };
    },
  );
};

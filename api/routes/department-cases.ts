import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listDepartmentCases } from '../../db/department-cases.js';
import { departmentCaseListSchema, departmentCaseQuerySchema } from '../../schemas/api-keys.js';
import { problemResponses } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { principalOf } from '../auth/authenticate.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

const cursorKey = z.tuple([z.string().regex(/^-?\d{1,20}$/), z.uuid(), z.string().min(1).max(64)]);

/**
 * A department's own staff (a `department:<id>` key) read the cases their department received:
 * which application, which step and service, where it stands. Nothing of any other department,
 * and no applicant data beyond what the department was sent (which its own system holds).
 */
export const departmentCaseRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.get(
    '/v1/departments/:id/cases',
    {
      config: { access: ['department'] },
      schema: {
        summary: "The cases a department received, newest first: its own staff's view",
        tags: ['departments'],
        params: z.object({ id: z.string().min(1).max(64).describe('the department id') }),
        querystring: departmentCaseQuerySchema,
        response: { 200: departmentCaseListSchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (principalOf(request).scope !== id)
        throw new ProblemError(403, problemCodes.forbidden, "Only your own department's cases");
      const { limit, cursor } = request.query;
      const before = cursor === undefined ? undefined : decodeCursor(cursor, cursorKey);
      const page = await listDepartmentCases(deps.pool, id, {
        limit,
        ...(before ? { before: { startedUs: before[0], applicationId: before[1], stepId: before[2] } } : {}),
      });
      const last = page.rows.at(-1);
      return {
        cases: page.rows.map((row) => ({
          applicationId: row.application_id,
          bundleId: row.bundle_id,
          stepId: row.step_id,
          service: row.service,
          status: row.status,
          receiptNumber: row.receipt_number,
          receivedAt: row.started_at.toISOString(),
          endedAt: row.completed_at?.toISOString() ?? null,
        })),
        nextCursor:
          page.more && last ? encodeCursor([last.started_us, last.application_id, last.step_id]) : null,
      };
    },
  );
};

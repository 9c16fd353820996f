import { z } from 'zod';
import { titleSchema } from './bundle.js';
import { citizenIdNumber } from './fields.js';
import { listQuery } from './ops.js';
import { applicationStatusSchema } from './status.js';

/**
 * The applicant filter of "my applications", in a header rather than the query string: a URL
 * is written down by every proxy, gateway and browser history on its way; a header is not.
 */
export const applicantIdHeader = 'x-applicant-id';

/** Headers of `GET /v1/applications`. */
export const myApplicationsHeadersSchema = z.object({
  [applicantIdHeader]: citizenIdNumber
    .optional()
    .describe(
      'only the applications of this applicant: the resident ID number, matched through a keyed hash (never stored); a header, so it stays out of URLs and their logs',
    ),
});

/** Query of `GET /v1/applications`. */
export const myApplicationsQuerySchema = z
  .object({
    bundle: listQuery(z.string().min(1).max(64))
      .optional()
      .describe('bundle ids, repeatable or comma-separated'),
    status: listQuery(applicationStatusSchema).optional().describe('application statuses, repeatable'),
    createdFrom: z.iso.datetime({ offset: true }).optional().describe('created at or after (ISO 8601)'),
    createdTo: z.iso.datetime({ offset: true }).optional().describe('created before (ISO 8601)'),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(300).optional().describe('`nextCursor` of the previous page'),
  })
  .strict();

/** One application in a portal's list: where it stands, without its steps (`GET /v1/applications/:id` has them). */
export const applicationSummarySchema = z
  .object({
    id: z.uuid(),
    bundleId: z.string(),
    title: titleSchema.nullable().describe("the bundle's title; null for a bundle no longer served"),
    status: applicationStatusSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    dueAt: z.string().nullable().describe("when the bundle's promised limit ends"),
  })
  .meta({ id: 'ApplicationSummary' });
export type ApplicationSummary = z.infer<typeof applicationSummarySchema>;

export const applicationListSchema = z
  .object({
    applications: z.array(applicationSummarySchema).describe('newest first'),
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
  })
  .meta({ id: 'ApplicationList' });

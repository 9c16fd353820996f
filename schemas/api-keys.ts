import { z } from 'zod';
import { regionCodeSchema } from './regions.js';
import { stepStatusSchema } from './status.js';

/** An API key as admins list it: never its secret. */
export const apiKeyViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z
      .string()
      .describe(
        '`portal:<client>`, `operator`, `operator:<department>`, `admin`, `clerk:<department>` or `department:<id>`',
      ),
    createdAt: z.string(),
    createdBy: z.string().nullable().describe('the admin key that created it; null for the keys CLI'),
    expiresAt: z.string().nullable().describe('when it stops working by itself; null: never'),
    revokedAt: z.string().nullable(),
    replacedBy: z.string().nullable().describe('the key that replaced it in a rotation'),
    active: z.boolean().describe('neither revoked nor expired'),
    region: regionCodeSchema
      .nullable()
      .describe(
        "an operator's region scope: that administrative division and those under it; null: every region",
      ),
  })
  .meta({ id: 'ApiKey' });
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>;

/** A key just created: the only time its secret is shown. */
export const createdApiKeySchema = apiKeyViewSchema
  .extend({ secret: z.string().describe('shown once; only its hash is stored') })
  .meta({ id: 'CreatedApiKey' });

/** `POST /v1/admin/keys`. */
export const createApiKeyBodySchema = z
  .object({
    name: z.string().trim().min(1).max(200).describe('who holds it: a person, a portal, a system'),
    // The pattern is parseRole's grammar, so a portal's client refuses what the server would.
    role: z
      .string()
      .max(100)
      .regex(/^(?:admin|operator(?::[^:\s]+)?|(?:portal|clerk|department):[^:\s]+)$/, {
        message:
          'admin, operator, operator:<department>, portal:<client>, clerk:<department> or department:<id>',
      })
      .describe('a role label, as `apiKeyViewSchema.role` lists them'),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('when it stops working; never if absent'),
    region: regionCodeSchema
      .optional()
      .describe(
        'operator keys only: confine it to this administrative division (and those under it), beside the department of `role`; every region if absent',
      ),
  })
  .strict()
  .meta({ id: 'NewApiKey' });

/** `POST /v1/admin/keys/:id/rotate`. */
export const rotateApiKeyBodySchema = z
  .object({
    graceSeconds: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600)
      .default(3600)
      .describe('how long the old key keeps working, so its holder can switch; 0 ends it now'),
  })
  .strict();

export const apiKeyParamsSchema = z.object({ id: z.string().min(1).max(100).describe('the key id') });

/** A case a department received, as its own staff list it (`GET /v1/departments/:id/cases`). */
export const departmentCaseSchema = z.object({
  applicationId: z.uuid(),
  bundleId: z.string(),
  stepId: z.string(),
  service: z.string(),
  status: stepStatusSchema,
  receiptNumber: z.string().nullable().describe('the receipt the department gave, when it decides later'),
  receivedAt: z.string(),
  endedAt: z.string().nullable(),
});

export const departmentCaseListSchema = z
  .object({
    cases: z.array(departmentCaseSchema),
    nextCursor: z.string().nullable().describe('pass as `cursor` for the next page; null on the last'),
  })
  .meta({ id: 'DepartmentCaseList' });

export const departmentCaseQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(300).optional().describe('`nextCursor` of the previous page'),
  })
  .strict();

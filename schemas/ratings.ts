import { z } from 'zod';

/**
 * Ratings (政务服务"好差评"): once an application has ended, its applicant rates the whole service
 * and, if they like, each department's item: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意.
 */
export const starsSchema = z
  .number()
  .int()
  .min(1)
  .max(5)
  .describe('5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意; 1 and 2 are 差评');

/** At most this many stars is a 差评, which its department must follow up. */
export const badRatingMaxStars = 2;

/** How many working days a department has to answer a 差评 (the first response of the national rules). */
export const rectificationWorkingDays = 3;

const commentSchema = z
  .string()
  .trim()
  .max(1000)
  .optional()
  .describe('in the applicant’s words; stored encrypted, never logged; blank is no comment');

/** `POST /v1/applications/:id/rating`. */
export const ratingBodySchema = z
  .object({
    overall: z
      .object({ stars: starsSchema, comment: commentSchema })
      .strict()
      .describe('the whole service (一件事)'),
    items: z
      .array(
        z
          .object({
            stepId: z.string().min(1).max(64).describe('a step of the application its department handled'),
            stars: starsSchema,
            comment: commentSchema,
          })
          .strict(),
      )
      .max(50)
      .default([])
      .describe("departments' items, each at most once; those not rated are left out"),
  })
  .strict()
  .meta({ id: 'RatingRequest' });
export type RatingBody = z.infer<typeof ratingBodySchema>;

/** Where a rating stands: every 差评 followed up, and answered. */
export const ratingStates = ['received', 'being_rectified', 'rectified'] as const;
export const ratingStateSchema = z
  .enum(ratingStates)
  .describe(
    '`received` (no 差评, or nothing to follow up), `being_rectified` while a department has not answered its 差评, `rectified` once every one has',
  );
export type RatingState = z.infer<typeof ratingStateSchema>;

/** One department's follow-up of a 差评, as the applicant's portal sees it. */
export const rectificationViewSchema = z.object({
  department: z.string(),
  stepId: z.string().describe("the department's item it concerns (its first rated 1–2, or its first item)"),
  status: z.enum(['being_rectified', 'rectified']),
  dueAt: z.string().describe('3 working days after the rating, on the business calendar'),
  reply: z.string().nullable().describe('what the department did, once it answered'),
  repliedAt: z.string().nullable(),
});

export const ratingViewSchema = z
  .object({
    state: ratingStateSchema,
    ratedAt: z.string(),
    overall: z.object({ stars: z.number().int(), comment: z.string().nullable() }),
    items: z.array(
      z.object({
        stepId: z.string(),
        department: z.string(),
        stars: z.number().int(),
        comment: z.string().nullable(),
      }),
    ),
    rectifications: z.array(rectificationViewSchema),
  })
  .meta({ id: 'ApplicationRating' });
export type RatingView = z.infer<typeof ratingViewSchema>;

/** `POST /v1/tasks/:id/reply`: a department's answer to a 差评, shown to the applicant. */
export const rectificationReplyBodySchema = z
  .object({
    reply: z
      .string()
      .trim()
      .min(1)
      .regex(/\S/, 'must not be blank')
      .max(2000)
      .describe('what the department did about it; shown to the applicant'),
  })
  .strict()
  .meta({ id: 'RectificationReply' });

/** The longest period `GET /v1/ops/ratings` adds up, and the one it takes when none is given. */
export const ratingsPeriodMaxDays = 366;
export const ratingsPeriodDefaultDays = 30;

/** `GET /v1/ops/ratings`. */
export const opsRatingsQuerySchema = z
  .object({
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .describe(
        `ratings given at or after (ISO 8601); ${ratingsPeriodDefaultDays} days before \`to\` when absent`,
      ),
    to: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('ratings given before (ISO 8601); now when absent'),
    department: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('only this department (a scoped operator: its own)'),
    bundle: z.string().min(1).max(64).optional(),
  })
  .strict();

const figuresShape = {
  ratings: z.number().int(),
  averageStars: z.number().nullable().describe('to two decimals; null without ratings'),
  bad: z.number().int().describe('差评: rated 1 or 2'),
};

export const opsRatingsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    bundles: z
      .array(z.object({ bundleId: z.string(), ...figuresShape }))
      .describe(
        "the whole service's ratings per bundle (with `department`, of applications it took part in)",
      ),
    departments: z
      .array(
        z.object({
          department: z.string(),
          bundleId: z.string(),
          ...figuresShape,
          rectifications: z.object({
            open: z.number().int().describe('not answered yet, overdue ones included'),
            overdue: z.number().int(),
            replied: z.number().int(),
          }),
        }),
      )
      .describe("departments' items per department and bundle, with the follow-up of their 差评"),
  })
  .meta({ id: 'OpsRatings' });
export type OpsRatings = z.infer<typeof opsRatingsSchema>;

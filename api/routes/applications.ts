import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { FastifySchemaCompiler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { planOf } from '../../bundles/definition.js';
import { currentWorkflowFeatures } from '../../workflows/features.js';
import { applicationDueAt } from '../../calendar/due-dates.js';
import { defaultBusinessCalendar } from '../../calendar/load.js';
import type { BundleDefinition } from '../../bundles/definition.js';
import { workflowTypeOf } from '../../bundles/index.js';
import { findApplication, insertApplication, markWorkflowStarted } from '../../db/applications.js';
import type { ApplicationRow } from '../../db/applications.js';
import {
  applicationIdParamsSchema,
  applicationViewSchema,
  createApplicationBodySchema,
  idempotencyHeadersSchema,
  problemResponses,
  startRegionSchema,
} from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import type { BundleWorkflowInput } from '../../schemas/workflow.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { portalClientOf } from '../auth/authenticate.js';
import { readableApplication, viewFor } from '../application-access.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { checkMaterialReferences } from '../material-references.js';
import { linkMaterials } from '../../db/materials.js';
import { materialsNamed } from '../../schemas/materials.js';
import { requestHash } from '../request-hash.js';
import { applicantHash } from '../../privacy/lookup-hash.js';
import { sealerOf } from '../../db/sealing.js';
import { applicationView } from '../views.js';

/** The client id of the calling portal. */
function issuesOf(where: string, error: z.ZodError) {
  return error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
}

/** Checks applicant and form against the bundle's own schemas; the error lists every bad field. */
function validateForBundle(bundle: BundleDefinition, body: { applicant: unknown; form: unknown }) {
  const applicant = bundle.applicant.safeParse(body.applicant);
  const form = bundle.form.safeParse(body.form);
  if (applicant.success && form.success) return { applicant: applicant.data, form: form.data };
  const errors = [
    ...(applicant.success ? [] : issuesOf('applicant', applicant.error)),
    ...(form.success ? [] : issuesOf('form', form.error)),
  ];
  throw new ProblemError(
    400,
    problemCodes.validationFailed,
    `The application does not match the ${bundle.id} bundle`,
    errors.map((e) => `${e.path}: ${e.message}`).join('; '),
    errors,
  );
}

/** `after-death` → `AfterDeathApplication`: the component name of one bundle's request body. */
const componentNameOf = (bundleId: string) =>
  `${bundleId.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase())}Application`;

/**
 * The request body as documented: one variant per bundle, with the bundle's own applicant and
 * form schemas, so a portal validates (and a generated client types) before it sends.
 */
function documentedBodyOf(bundles: ReadonlyMap<string, BundleDefinition>) {
  const variants = [...bundles.values()].map((bundle) =>
    z
      .object({
        bundleId: z.literal(bundle.id),
        applicant: bundle.applicant,
        form: bundle.form,
        region: startRegionSchema.optional(),
      })
      .strict()
      .meta({ id: componentNameOf(bundle.id), examples: [bundle.example] }),
  );
  const [first, ...rest] = variants;
  if (!first) throw new Error('no bundles: POST /v1/applications has nothing to accept');
  return z.discriminatedUnion('bundleId', [first, ...rest]);
}

/** The route's validator: the envelope for the body, the route's own schema for the rest. */
const envelopeValidator: FastifySchemaCompiler<z.ZodType> = (route) =>
  validatorCompiler(route.httpPart === 'body' ? { ...route, schema: createApplicationBodySchema } : route);

export const applicationRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  /** Starts the workflow unless it already runs or ran: one application, one workflow. */
  async function ensureWorkflowStarted(row: ApplicationRow, input: BundleWorkflowInput) {
    if (row.workflow_started) return;
    try {
      await deps.temporal.workflow.start(workflowTypeOf(input.plan.bundleId), {
        workflowId: applicationWorkflowId(row.id),
        taskQueue: deps.taskQueue,
        args: [input],
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      deps.metrics?.applicationsStarted.inc({ bundle: input.plan.bundleId });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        app.log.error({ err, applicationId: row.id }, 'workflow start failed');
        throw new ProblemError(
          503,
          problemCodes.engineUnavailable,
          'The application was saved but could not be started yet',
          'Retry the same request with the same Idempotency-Key; it will be started, not duplicated.',
        );
      }
    }
    await markWorkflowStarted(deps.pool, row.id);
  }

  app.post(
    '/v1/applications',
    {
      config: { access: ['portal'] },
      // The edge checks only the envelope; validateForBundle then checks applicant and form, so an
      // unknown bundle is a 404 (UNKNOWN_BUNDLE) and errors name `applicant.…` and `form.…`.
      // Fastify types this compiler's schema as the whole route schema; it is one part's (httpPart).
      validatorCompiler: envelopeValidator as never,
      schema: {
        summary: 'Submit a bundled application',
        description:
          'One form, one submission. The same Idempotency-Key with the same body returns the same application (200); with another body, 409.',
        tags: ['applications'],
        headers: idempotencyHeadersSchema,
        body: documentedBodyOf(deps.bundles),
        response: {
          200: applicationViewSchema.describe('the application this key already created'),
          ...problemResponses(401, 403, 429),
          201: applicationViewSchema.describe('the application, created and started'),
          ...problemResponses(400, 404, 409, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const { bundleId } = request.body;
      const bundle = deps.bundles.get(bundleId);
      if (!bundle) {
        throw new ProblemError(
          404,
          problemCodes.unknownBundle,
          `No bundle ${bundleId}`,
          'See GET /v1/bundles',
        );
      }
      const { applicant, form } = validateForBundle(bundle, request.body);
      const materials = materialsNamed(bundle.form, form);
      await checkMaterialReferences(
        deps.pool,
        portalClientOf(request),
        materials.map((r) => ({ path: `form.${r.path}`, id: r.id })),
      );
      const hash = requestHash(request.body);
      // Masked by the logger, like everything logged; keeps the submission traceable.
      request.log.info({ bundleId, applicant }, 'application submitted');
      const id = randomUUID();
      const { created, row } = await insertApplication(deps.pool, {
        id,
        bundle,
        // Idempotency keys and visibility are per portal client.
        clientId: portalClientOf(request),
        idempotencyKey: request.headers['idempotency-key'],
        requestHash: hash,
        dueAt: applicationDueAt(bundle, new Date(), deps.calendar ?? defaultBusinessCalendar()),
        ...(await applicantLookup(deps, id, applicant)),
        ...(request.body.region === undefined ? {} : { region: request.body.region }),
      });
      if (!created && row.request_hash !== hash) {
        throw new ProblemError(
          409,
          problemCodes.idempotencyKeyReused,
          'This Idempotency-Key was used with another request body',
          `It created application ${row.id}; use a new key for a new submission.`,
        );
      }
      // Named before the workflow starts: they are erased with it.
      await linkMaterials(
        deps.pool,
        row.id,
        materials.map((r) => r.id),
      );
      await ensureWorkflowStarted(row, {
        applicationId: row.id,
        plan: planOf(bundle, deps.stepDeciders),
        applicant,
        form,
        ...(deps.failedStepHold ? { failedStepHold: deps.failedStepHold } : {}),
        features: currentWorkflowFeatures,
      });
      const found = await findApplication(deps.pool, row.id);
      if (!found) throw new Error(`application ${row.id} vanished`);
      return reply
        .code(created ? 201 : 200)
        .send(applicationView(found.application, found.steps, app.viewDates));
    },
  );

  app.get(
    '/v1/applications/:id',
    {
      config: { access: ['portal', 'operator'] },
      schema: {
        summary: 'Progress of an application, department by department',
        tags: ['applications'],
        params: applicationIdParamsSchema,
        response: {
          200: applicationViewSchema,
          ...problemResponses(400, 401, 403, 404, 429),
        },
      },
    },
    async (request) => {
      const found = await readableApplication(deps.pool, request, request.params.id);
      return viewFor(deps.pool, request, found);
    },
  );
};

/**
 * The applicant's ID number as a keyed hash, for "my applications" lookups, and sealed, so the
 * hash can be computed again under a later keyring key; nothing without a keyring.
 */
async function applicantLookup(
  deps: ApiDeps,
  applicationId: string,
  applicant: unknown,
): Promise<{ applicantHash?: string; applicantIdSealed?: string }> {
  const idNumber = (applicant as { idNumber?: unknown } | null)?.idNumber;
  if (!deps.keyring || typeof idNumber !== 'string') return {};
  return {
    applicantHash: applicantHash(deps.keyring, idNumber),
    applicantIdSealed: await sealerOf(deps.pool).seal(applicationId, idNumber),
  };
}

import swagger from '@fastify/swagger';
import rateLimit from '@fastify/rate-limit';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { problemCodes } from '../schemas/error-codes.js';
import { authentication } from './auth/authenticate.js';
import type { ApiDeps } from './deps.js';
import { refuseNulCharacters } from './nul-guard.js';
import { observeRequests } from './observability.js';
import { openApiOptions } from './openapi.js';
import { deprecationHeaders } from './deprecation.js';
import { activeTracing } from '../telemetry/tracing.js';
import { handleError, handleFrameworkError, ProblemError } from './problem.js';
import { answerUndeclaredMethods } from './method-not-allowed.js';
import { accessLogRoutes } from './routes/access-log.js';
import { adminKeyRoutes } from './routes/admin-keys.js';
import { departmentCaseRoutes } from './routes/department-cases.js';
import { auditRoutes } from './routes/audit.js';
import { departmentCallbackRoutes } from './routes/department-callbacks.js';
import { opsBulkRoutes } from './routes/ops-bulk.js';
import { opsRepairRoutes } from './routes/ops-repair.js';
import { opsWorkListRoutes } from './routes/ops-work-list.js';
import { opsWithdrawRoutes } from './routes/ops-withdraw.js';
import { opsReconcileRoutes } from './routes/ops-reconcile.js';
import { opsDepartmentRoutes } from './routes/ops-departments.js';
import { withdrawRoutes } from './routes/withdraw.js';
import { healthRoutes } from './routes/health.js';
import { metricsRoutes } from './routes/metrics.js';
import { opsRoutes } from './routes/ops.js';
import { opsRatingRoutes } from './routes/ops-ratings.js';
import { ratingRoutes } from './routes/ratings.js';
import { supplementRoutes } from './routes/supplements.js';
import { workListRoutes } from './routes/work-list.js';
import { workListEventRoutes } from './routes/work-list-events.js';
import { applicationEventRoutes } from './routes/application-events.js';
import { applicationRoutes } from './routes/applications.js';
import { applicationListRoutes } from './routes/application-list.js';
import { portalEventRoutes } from './routes/portal-events.js';
import { failedDeliveryRoutes } from './routes/webhook-failed-deliveries.js';
import { bundleRoutes } from './routes/bundles.js';
import { codecRoutes } from './routes/codec.js';
import { consoleRoutes } from './routes/console.js';
import { consoleOidcRoutes } from './routes/console-oidc.js';
import { consoleSessionRoutes } from './routes/console-session.js';
import { webhookRoutes } from './routes/webhooks.js';
import { materialRoutes } from './routes/materials.js';
import { defaultBusinessCalendar } from '../calendar/load.js';

export interface BuildAppOptions {
  logger?: FastifyBaseLogger | boolean;
  /** Requests per minute per API key (per address for unauthenticated calls). */
  rateLimitPerMinute?: number;
  /** How long a verified API key is trusted before the database is asked again (revocation delay). */
  authCacheTtlMs?: number;
  /** `TRUST_PROXY`: `true`, or the proxies' addresses, comma-separated. */
  trustProxy?: string;
}

/** Builds the API; the caller listens and closes it. Routes get their dependencies, never globals. */
export async function buildApp(deps: ApiDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(typeof options.logger === 'object'
      ? { loggerInstance: options.logger }
      : { logger: options.logger ?? false }),
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
    frameworkErrors: handleFrameworkError,
    ...(options.trustProxy
      ? {
          trustProxy:
            options.trustProxy === 'true' ? true : options.trustProxy.split(',').map((a) => a.trim()),
        }
      : {}),
  });
  // JSON only: any other media type is a clear 415, not a confusing validation error.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  refuseNulCharacters(app);
  answerUndeclaredMethods(app);
  // Before any route, so every handler runs inside its request's span.
  observeRequests(app, {
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    tracing: activeTracing() !== undefined,
  });

  await app.register(swagger, openApiOptions);
  await app.register(swaggerUi, { routePrefix: '/docs' });
  deprecationHeaders(app);
  await app.register(authentication, {
    db: deps.pool,
    ...(options.authCacheTtlMs === undefined ? {} : { cacheTtlMs: options.authCacheTtlMs }),
  });
  await app.register(rateLimit, {
    max: options.rateLimitPerMinute ?? 600,
    timeWindow: '1 minute',
    // A route's own onRequest hook, so after the app-wide authentication: each API key has its own
    // budget. Before validation and a route's own checks (a callback's signature), so a flood of
    // bad requests is limited too.
    hook: 'onRequest',
    keyGenerator: (request) => request.principal?.keyId ?? request.ip,
    errorResponseBuilder: (_request, context) =>
      new ProblemError(
        429,
        problemCodes.rateLimited,
        'Too many requests',
        `At most ${context.max} requests per ${context.after}; retry after the Retry-After header.`,
      ),
  });
  // Every view of an application is dated on the deployment's calendar (api/views.ts).
  app.decorate('viewDates', { bundles: deps.bundles, calendar: deps.calendar ?? defaultBusinessCalendar() });
  await app.register(healthRoutes, deps);
  await app.register(bundleRoutes, deps);
  await app.register(applicationRoutes, deps);
  await app.register(applicationListRoutes, deps);
  await app.register(portalEventRoutes, deps);
  await app.register(applicationEventRoutes, deps);
  await app.register(webhookRoutes, deps);
  await app.register(failedDeliveryRoutes, deps);
  await app.register(accessLogRoutes, deps);
  await app.register(departmentCallbackRoutes, deps);
  await app.register(withdrawRoutes, deps);
  await app.register(opsRepairRoutes, deps);
  await app.register(opsWorkListRoutes, deps);
  await app.register(opsWithdrawRoutes, deps);
  await app.register(opsBulkRoutes, deps);
  await app.register(opsDepartmentRoutes, deps);
  await app.register(opsReconcileRoutes, deps);
  await app.register(supplementRoutes, deps);
  await app.register(materialRoutes, deps);
  await app.register(workListRoutes, deps);
  await app.register(workListEventRoutes, deps);
  await app.register(metricsRoutes, deps);
  await app.register(opsRoutes, deps);
  await app.register(ratingRoutes, deps);
  await app.register(opsRatingRoutes, deps);
  await app.register(auditRoutes, deps);
  await app.register(adminKeyRoutes, deps);
  await app.register(departmentCaseRoutes, deps);
  await app.register(consoleSessionRoutes, deps);
  await app.register(consoleOidcRoutes, deps);
  await app.register(consoleRoutes);
  if (deps.codecServer) await app.register(codecRoutes, deps.codecServer);
  return app;
}

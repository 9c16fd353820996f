import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from 'fastify-type-provider-zod';
import type { ApiDeps } from './deps.js';
import { handleError, handleNotFound } from './problem.js';
import { applicationRoutes } from './routes/applications.js';
import { bundleRoutes } from './routes/bundles.js';

export interface BuildAppOptions {
  logger?: FastifyBaseLogger | boolean;
}

/** Builds the API; the caller listens and closes it. Routes get their dependencies, never globals. */
export async function buildApp(deps: ApiDeps, options: BuildAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(typeof options.logger === 'object'
      ? { loggerInstance: options.logger }
      : { logger: options.logger ?? false }),
    bodyLimit: 256 * 1024,
    return503OnClosing: true,
  });
  // JSON only: any other media type is a clear 415, not a confusing validation error.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Onething API',
        description:
          'Bundled "one thing" government services (高效办成一件事): one form, one submission, many departments.',
        version: '1',
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  await app.register(bundleRoutes, deps);
  await app.register(applicationRoutes, deps);
  return app;
}

import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { RouteAccess } from './auth/principal.js';

/**
 * The API's version, in the document's `info.version`. The major part is the path prefix
 * (`/v1`): a change that breaks a portal needs a new prefix, or a deprecation (deprecation.ts) of the old
 * operation (test/integration/api-compatibility.test.ts compares with openapi/v1.json).
 */
export const apiVersion = '1.1.0';

type Document = ReturnType<typeof jsonSchemaTransformObject>;
interface Operation {
  operationId?: string;
  responses?: Record<string, { description?: string; content?: Record<string, unknown>; links?: unknown }>;
  requestBody?: unknown;
}
const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** `GET /v1/applications/:id` → `getV1ApplicationsById`: stable names for generated clients. */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

/**
 * Every operation's own facts the zod schemas do not carry: its operation id, its security (the
 * bearer key, unless public) and who may call it (`x-access`), so clients and the fuzz run know.
 */
const transform: NonNullable<FastifyDynamicSwaggerOptions['transform']> = (input) => {
  const out = jsonSchemaTransform(input);
  if (out.schema.hide) return out;
  const access: RouteAccess | undefined = input.route.config?.access;
  const method = Array.isArray(input.route.method) ? input.route.method[0] : input.route.method;
  return {
    url: out.url,
    schema: {
      ...out.schema,
      operationId: operationIdOf(String(method), input.route.url),
      ...(access === 'public' || access === undefined
        ? { security: [] }
        : { security: [{ apiKey: [] }], 'x-access': access }),
    },
  };
};

/** `$response.body#/id` of an answer, as the `id` path parameter of the linked operation. */
const byId = (operationId: string, description: string) => ({
  operationId,
  parameters: { id: '$response.body#/id' },
  description,
});

/** The `id` of the first item of a list answer, as the `id` path parameter of the linked operation. */
const firstOf = (list: string, operationId: string, description: string) => ({
  operationId,
  parameters: { id: `$response.body#/${list}/0/id` },
  description,
});

/**
 * What a client (and the fuzz run's stateful phase) may do next with what an operation answered:
 * create, then read, follow, answer and withdraw.
 */
const links: Record<string, Record<string, Record<string, unknown>>> = {
  postV1Applications: {
    read: byId('getV1ApplicationsById', 'the progress of the application'),
    events: byId('getV1ApplicationsByIdEvents', 'its events, as they happen'),
    supplement: byId('postV1ApplicationsByIdSupplements', 'answer a request for supplements'),
    withdraw: byId('postV1ApplicationsByIdWithdraw', 'withdraw it'),
  },
  postV1Webhooks: { delete: byId('deleteV1WebhooksById', 'delete the webhook') },
  getV1Tasks: {
    read: firstOf('tasks', 'getV1TasksById', 'the first task'),
    claim: firstOf('tasks', 'postV1TasksByIdClaim', 'claim the first task'),
  },
  getV1TasksById: {
    claim: byId('postV1TasksByIdClaim', 'claim it'),
    release: byId('postV1TasksByIdRelease', 'release it'),
    complete: byId('postV1TasksByIdComplete', 'decide it'),
  },
  getV1OpsApplications: {
    read: firstOf('applications', 'getV1OpsApplicationsById', 'the first application'),
    withdraw: firstOf('applications', 'postV1OpsApplicationsByIdWithdraw', 'withdraw the first application'),
  },
  postV1OpsBulkActions: {
    read: byId('getV1OpsBulkActionsById', 'its progress'),
    cancel: byId('postV1OpsBulkActionsByIdCancel', 'cancel it'),
  },
};

/**
 * What the route schemas cannot say alone, so that the document is true:
 * - every error answer is `application/problem+json` (sendProblem's media type), not JSON;
 * - 204 answers have no body, so no content;
 * - any operation may answer 401 (a bad key, even on a public route), 429 (the rate limit runs
 *   before everything) and, for another status (413, 415, 5xx), a problem: the `default`.
 */
function truthful(document: Document): Document {
  const problem = { $ref: '#/components/schemas/Problem' };
  const problemAnswer = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: problem } },
  });
  for (const path of Object.values(document.paths ?? {})) {
    for (const method of methods) {
      const operation = (path as Record<string, Operation | undefined>)[method];
      if (!operation?.responses) continue;
      const responses = operation.responses;
      for (const [status, response] of Object.entries(responses)) {
        if (status === '204') delete response.content;
        const next = links[operation.operationId ?? ''];
        if (next && (status === '200' || status === '201' || status === '202')) response.links = next;
        const json = response.content?.['application/json'];
        if (Number(status) >= 400 && json) {
          response.content = { 'application/problem+json': json };
        }
      }
      responses['401'] ??= problemAnswer('no API key, or one that is not valid');
      responses['429'] ??= problemAnswer('too many requests: wait for the Retry-After header');
      responses.default ??= problemAnswer(
        'any other error, e.g. 413 (body too large), 415 (not JSON) or 503 (briefly unavailable)',
      );
    }
  }
  return document;
}

/** @fastify/swagger's options: the document at /docs/json, from the routes' zod schemas. */
export const openApiOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.0.3',
    info: {
      title: 'Onething API',
      description:
        'Bundled "one thing" government services (高效办成一件事): one form, one submission, many departments. ' +
        'Errors are application/problem+json with a stable `code`. Strings may not contain NUL characters ' +
        '(PostgreSQL cannot store them): such a request is answered 400. See the README, "The API contract", ' +
        'for what portals can rely on between versions.',
      version: apiVersion,
    },
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'an API key (npm run keys)' },
      },
    },
  },
  transform,
  transformObject: (input) => truthful(jsonSchemaTransformObject(input)),
};

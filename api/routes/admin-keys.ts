import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiKey, parseRole, rotateApiKey } from '../auth/api-keys.js';
import { roleLabel } from '../auth/principal.js';
import { principalOf } from '../auth/authenticate.js';
import { findApiKey, listApiKeys, revokeApiKey } from '../../db/api-keys.js';
import type { ApiKeyRow } from '../../db/api-keys.js';
import {
  apiKeyParamsSchema,
  apiKeyViewSchema,
  createApiKeyBodySchema,
  createdApiKeySchema,
  rotateApiKeyBodySchema,
} from '../../schemas/api-keys.js';
import type { ApiKeyView } from '../../schemas/api-keys.js';
import { problemResponses } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { audited } from '../audit.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

function keyView(row: ApiKeyRow, now = new Date()): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: roleLabel(row),
    createdAt: row.created_at.toISOString(),
    createdBy: row.created_by,
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    replacedBy: row.replaced_by,
    active: row.revoked_at === null && (row.expires_at === null || row.expires_at > now),
    region: row.region,
  };
}

const notFound = (id: string) => new ProblemError(404, problemCodes.keyNotFound, `No API key ${id}`);
const notActive = (id: string, why: string) =>
  new ProblemError(409, problemCodes.keyNotActive, `API key ${id} is not active`, why);

/** Why a key that exists cannot be rotated or revoked. */
const inactivity = (row: ApiKeyRow) =>
  row.revoked_at
    ? `It was revoked at ${row.revoked_at.toISOString()}.`
    : row.replaced_by
      ? `It was rotated: ${row.replaced_by} replaced it.`
      : 'It expired.';

/**
 * Admins manage API keys: create (the secret shown once), list, revoke and rotate, each in the
 * audit log. An admin manages keys and reads the audit log; operating applications is the
 * operators' work, and an admin key does not do it.
 */
export const adminKeyRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const config = { access: ['admin'] };
  const tags = ['admin'];

  app.post(
    '/v1/admin/keys',
    {
      config,
      schema: {
        summary: 'Create an API key; its secret is in this answer only',
        tags,
        body: createApiKeyBodySchema,
        response: { 201: createdApiKeySchema, ...problemResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { name, role: label, expiresAt, region } = request.body;
      const created = await audited(
        deps.pool,
        request,
        { action: 'key.create', detail: { role: label, ...(region ? { region } : {}) } },
        async (note) => {
          let role: ReturnType<typeof parseRole>;
          try {
            role = parseRole(label);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            throw new ProblemError(
              400,
              problemCodes.validationFailed,
              'Not a role',
              `body.role: ${message}`,
              [{ path: 'body.role', message }],
            );
          }
          if (region !== undefined && role.role !== 'operator') {
            const message = 'only operator keys have a region scope';
            throw new ProblemError(
              400,
              problemCodes.validationFailed,
              'Not a region scope',
              `body.region: ${message}`,
              [{ path: 'body.region', message }],
            );
          }
          const key = await createApiKey(deps.pool, {
            name,
            ...role,
            expiresAt: expiresAt === undefined ? null : new Date(expiresAt),
            createdBy: principalOf(request).keyId,
            region: region ?? null,
          });
          note({ target: key.id });
          return key;
        },
      );
      const row = await findApiKey(deps.pool, created.id);
      if (!row) throw notFound(created.id);
      return reply.code(201).send({ ...keyView(row), secret: created.secret });
    },
  );

  app.get(
    '/v1/admin/keys',
    {
      config,
      schema: {
        summary: 'Every API key, active or not, oldest first; never a secret',
        tags,
        response: { 200: z.object({ keys: z.array(apiKeyViewSchema) }), ...problemResponses(401, 403) },
      },
    },
    async () => {
      const now = new Date();
      return { keys: (await listApiKeys(deps.pool)).map((row) => keyView(row, now)) };
    },
  );

  app.delete(
    '/v1/admin/keys/:id',
    {
      config,
      schema: {
        summary: 'Revoke an API key now; its console sessions end with it',
        tags,
        params: apiKeyParamsSchema,
        response: { 204: z.null(), ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await audited(deps.pool, request, { action: 'key.revoke', target: id }, async () => {
        if (await revokeApiKey(deps.pool, id)) return;
        const row = await findApiKey(deps.pool, id);
        throw row ? notActive(id, inactivity(row)) : notFound(id);
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/admin/keys/:id/rotate',
    {
      config,
      schema: {
        summary: 'Replace an API key with a new one of the same name and role',
        description:
          'The old key keeps working for `graceSeconds` (an hour by default), so its holder can switch, then expires; the new key is in this answer only.',
        tags,
        params: apiKeyParamsSchema,
        body: rotateApiKeyBodySchema,
        response: { 201: createdApiKeySchema, ...problemResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const { graceSeconds } = request.body;
      const created = await audited(
        deps.pool,
        request,
        { action: 'key.rotate', target: id, detail: { graceSeconds } },
        async (note) => {
          const key = await rotateApiKey(deps.pool, id, graceSeconds, principalOf(request).keyId);
          if ('refused' in key)
            throw key.refused === 'not-found' ? notFound(id) : notActive(id, inactivity(key.key));
          note({ detail: { graceSeconds, replacedBy: key.id } });
          return key;
        },
      );
      const row = await findApiKey(deps.pool, created.id);
      if (!row) throw notFound(created.id);
      return reply.code(201).send({ ...keyView(row), secret: created.secret });
    },
  );
};

import type { Payload } from '@temporalio/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problemResponses } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { PayloadEncryptionError } from '../../temporal/codec.js';
import type { CodecServerDeps } from '../deps.js';
import { ProblemError } from '../problem.js';
import { requireUnscoped } from '../auth/scope.js';

/** Protobuf JSON `bytes`: standard or URL-safe base64, padding optional. */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'not base64');

/** A Temporal `Payload` in protobuf JSON: metadata values and data in base64. */
export const codecPayloadSchema = z
  .object({
    metadata: z.record(z.string(), base64).nullish(),
    data: base64.nullish(),
  })
  .meta({ id: 'CodecPayload' });

/** Body and answer of the codec server protocol (`temporal.api.common.v1.Payloads` as JSON). */
export const codecPayloadsSchema = z
  .object({ payloads: z.array(codecPayloadSchema).max(10_000) })
  .meta({ id: 'CodecPayloads' });

const codecHeadersSchema = z.object({
  // One keyring serves every namespace of this deployment, so the namespace changes nothing.
  'x-namespace': z
    .string()
    .optional()
    .describe('the namespace the payloads come from (sent by the Temporal UI)'),
});

type JsonPayload = z.infer<typeof codecPayloadSchema>;

function fromJson(json: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(json.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
    ),
    ...(json.data ? { data: Buffer.from(json.data, 'base64') } : {}),
  };
}

function toJson(payload: Payload) {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    ...(payload.data?.length ? { data: Buffer.from(payload.data).toString('base64') } : {}),
  };
}

const corsHeaders = 'authorization, content-type, x-namespace';

/**
 * The codec server the Temporal UI calls to show payloads in clear text, for operators only. The
 * UI runs in the browser on another origin, so these routes answer CORS for the allowed origins.
 */
export const codecRoutes: FastifyPluginAsyncZod<CodecServerDeps> = async (app, deps) => {
  const allowed = new Set(deps.allowedOrigins);
  const allowedOrigin = (request: FastifyRequest) => {
    const origin = request.headers.origin;
    return origin && allowed.has(origin) ? origin : undefined;
  };

  // Also on 401/403 answers, so the UI can show why decoding failed instead of a CORS error.
  app.addHook('onSend', async (request, reply, payload) => {
    const origin = allowedOrigin(request);
    if (origin) {
      reply.header('access-control-allow-origin', origin);
      reply.header('access-control-allow-credentials', 'true');
    }
    reply.header('vary', 'Origin');
    return payload;
  });

  app.options(
    '/codec/:operation',
    {
      // A browser sends the preflight without credentials; it reveals nothing.
      config: { access: 'public' },
      schema: { hide: true, params: z.object({ operation: z.enum(['encode', 'decode']) }) },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      if (allowedOrigin(request)) {
        reply
          .header('access-control-allow-methods', 'POST')
          .header('access-control-allow-headers', corsHeaders)
          .header('access-control-max-age', '600');
      }
      return reply.code(204).send();
    },
  );

  const schema = (summary: string) => ({
    summary,
    description:
      'The Temporal codec server protocol; set `<API>/codec` as the codec endpoint in the Temporal UI. Authenticates with an unscoped operator key (`Authorization: Bearer`) or, from the Temporal UI with "Include cross-origin credentials" on, the console session cookie.',
    tags: ['operations'],
    headers: codecHeadersSchema,
    body: codecPayloadsSchema,
    response: {
      200: codecPayloadsSchema,
      ...problemResponses(400, 401, 403, 429),
    },
  });
  // A page of history may carry many payloads, each up to Temporal's 2 MB limit.
  const bodyLimit = 4 * 1024 * 1024;
  // Unscoped operators only: a decoded history shows every department's data, and an admin
  // manages keys, not applications.
  const access = ['operator'];
  // An operator's console session cookie authenticates these routes without X-CSRF-Token: the
  // Temporal UI sends the cookie ("Include cross-origin credentials") but cannot send our header.
  // A forged request gains nothing: decoding and encoding change nothing on the server, and only
  // an allowed origin may read the answer (CORS). A page elsewhere may send JSON only after a
  // preflight, which is answered for allowed origins alone; the simple requests it may send
  // without one (text/plain, forms) are refused with 415, since the app parses JSON alone.
  // SameSite=Strict keeps the cookie off requests from other sites altogether.
  const config = { access, csrfExempt: true };

  app.post(
    '/codec/decode',
    { config, bodyLimit, schema: schema('Decrypt Temporal payloads for the Temporal UI') },
    async (request) => {
      requireUnscoped(request);
      try {
        const decoded = await deps.codec.decode(request.body.payloads.map(fromJson));
        return { payloads: decoded.map(toJson) };
      } catch (err) {
        if (!(err instanceof PayloadEncryptionError)) throw err;
        throw new ProblemError(
          400,
          problemCodes.payloadUndecodable,
          'A payload cannot be decoded',
          err.message,
        );
      }
    },
  );

  app.post(
    '/codec/encode',
    {
      config,
      bodyLimit,
      schema: schema('Encrypt payloads, e.g. a signal sent from the Temporal UI'),
    },
    async (request) => {
      requireUnscoped(request);
      return { payloads: (await deps.codec.encode(request.body.payloads.map(fromJson))).map(toJson) };
    },
  );
};

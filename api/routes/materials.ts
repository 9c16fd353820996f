import type { IncomingMessage } from 'node:http';
import type { FastifySchemaCompiler } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAccess } from '../../db/access-log.js';
import { findApplication } from '../../db/applications.js';
import { MaterialRefused, tooLarge } from '../../materials/materials.js';
import { verifyMaterialLink } from '../../materials/links.js';
import { problemResponses } from '../../schemas/api.js';
import { problemCodes } from '../../schemas/error-codes.js';
import { materialIdPattern, materialTypes, materialViewSchema } from '../../schemas/materials.js';
import type { MaterialRow } from '../../db/materials.js';
import type { ApiDeps } from '../deps.js';
import { ProblemError } from '../problem.js';

const materialParamsSchema = z.object({ id: z.string().regex(materialIdPattern) });
const linkQuerySchema = z.object({
  application: z.uuid(),
  department: z.string().min(1).max(64),
  step: z.string().min(1).max(100),
  expires: z.string().regex(/^\d{1,12}$/),
  kid: z.string().min(1).max(100),
  signature: z.string().min(1).max(200),
});

/** The declared types an upload may be sent as; the bytes decide in the end. */
const uploadTypes = [...materialTypes, 'application/octet-stream'];

export function materialView(row: MaterialRow): z.infer<typeof materialViewSchema> {
  return {
    id: row.id,
    contentType: row.content_type as z.infer<typeof materialViewSchema>['contentType'],
    size: row.size,
    sha256: row.sha256,
    createdAt: row.created_at.toISOString(),
  };
}

/** Reads a body up to `maxBytes`; a longer one is refused as soon as it is known to be. */
function collect(payload: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(payload.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      payload.resume();
      reject(refusal(tooLarge(maxBytes)));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // The rest is read and dropped, so the answer reaches the client.
      payload.off('data', onData);
      payload.resume();
      reject(refusal(tooLarge(maxBytes)));
    };
    payload.on('data', onData);
    payload.on('end', () => resolve(Buffer.concat(chunks)));
    payload.on('error', reject);
  });
}

const refusal = (err: MaterialRefused) => new ProblemError(err.status, err.code, err.title, err.detail);

/** The body is raw bytes, checked by the handler; the documented schema only describes it. */
const rawBodyValidator: FastifySchemaCompiler<z.ZodType> = () => (data: unknown) => ({ value: data });

/**
 * Materials (scans of documents, photos): a portal uploads them and names them in forms and
 * supplements; a department whose service declares a material field fetches it by a signed link.
 */
export const materialRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  const materials = deps.materials;
  if (!materials) return;
  // This plugin's own parsers: any media type is read as bytes (the JSON parser of the rest of
  // the API would turn a material into an object, and its 256 KiB limit is not a material's).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    collect(payload, materials.limits.maxBytes).then(
      (bytes) => done(null, bytes),
      (err: Error) => done(err, undefined),
    );
  });

  app.post(
    '/v1/materials',
    {
      config: { access: ['portal'] },
      bodyLimit: materials.limits.maxBytes + 1,
      validatorCompiler: rawBodyValidator as never,
      schema: {
        summary: 'Upload a material (a scan of a document, a photo)',
        description: `The body is the file's bytes. Its type is sniffed from the bytes (${materialTypes.join(', ')}), never taken from the Content-Type header: send the file's type or application/octet-stream. Too large: 413 \`MATERIAL_TOO_LARGE\`; bytes of no accepted type: 415 \`MATERIAL_TYPE_UNSUPPORTED\`; a header naming another type than the bytes: 415 \`MATERIAL_TYPE_MISMATCH\`. Name the returned id in a form or supplement field that takes a material.`,
        tags: ['materials'],
        consumes: uploadTypes,
        body: z.string().meta({ format: 'binary' }),
        response: {
          201: materialViewSchema.describe('the material, stored encrypted'),
          ...problemResponses(400, 401, 403, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const portal = request.principal?.scope;
      if (!portal) throw new ProblemError(403, problemCodes.forbidden, 'Only a portal uploads materials');
      try {
        const row = await materials.upload(portal, bytes, request.headers['content-type']);
        return await reply.code(201).send(materialView(row));
      } catch (err) {
        if (err instanceof MaterialRefused) throw refusal(err);
        throw err;
      }
    },
  );

  app.get(
    '/v1/materials/:id/content',
    {
      config: { access: 'public' },
      schema: {
        summary: "A material's bytes, by the signed link a department received",
        description:
          "The link is the credential: HMAC-signed over the material, application, department, step and expiry. An altered link is 403 `MATERIAL_LINK_INVALID`, an expired one 403 `MATERIAL_LINK_EXPIRED`. Every read goes to the application's access log.",
        tags: ['materials'],
        params: materialParamsSchema,
        querystring: linkQuerySchema,
        response: {
          200: {
            description: "the material's bytes, of its sniffed type",
            content: Object.fromEntries(
              materialTypes.map((type) => [type, { schema: z.string().meta({ format: 'binary' }) }]),
            ),
          },
          ...problemResponses(400, 403, 404, 429, 503),
        },
      },
    },
    async (request, reply) => {
      if (!deps.keyring) throw new ProblemError(404, problemCodes.materialNotFound, 'No such material');
      const verified = verifyMaterialLink(deps.keyring, request.params.id, request.query);
      if ('refused' in verified) {
        throw verified.refused === 'expired'
          ? new ProblemError(
              403,
              problemCodes.materialLinkExpired,
              'The material link has expired',
              'Ask for the step again: each call carries fresh links.',
            )
          : new ProblemError(403, problemCodes.materialLinkInvalid, 'The material link is not valid');
      }
      const { claims } = verified;
      const found = await materials.read(claims.materialId);
      // Signed here, so the application existed; it may have been erased since.
      if (!found || !(await findApplication(deps.pool, claims.applicationId))) {
        throw new ProblemError(404, problemCodes.materialNotFound, 'No such material');
      }
      await recordAccess(deps.pool, {
        applicationId: claims.applicationId,
        actorType: 'department',
        actor: claims.department,
        action: 'read',
        fields: [`material:${claims.materialId}`],
        purpose: claims.stepId,
        stepId: claims.stepId,
      });
      return (
        reply
          .type(found.material.content_type)
          .header('cache-control', 'no-store')
          .header('x-content-type-options', 'nosniff')
          .header('content-disposition', `attachment; filename="${claims.materialId}"`)
          // A Buffer is sent as it is, past the serializer; the documented schema is a binary string.
          .send(found.bytes as never)
      );
    },
  );
};

import type { ServiceDefinition } from '../departments/definition.js';
import { signedMaterialUrl } from '../materials/links.js';
import type { Materials } from '../materials/materials.js';
import { fieldKind, materialIdPattern } from '../schemas/materials.js';
import type { MaterialLink, MaterialType } from '../schemas/materials.js';
import type { Keyring } from '../temporal/codec.js';

/** What the department calls need to hand materials to departments as signed links. */
export interface MaterialLinkDeps {
  materials: Materials;
  keyring: Keyring;
  /** The API's address as departments reach it (`MATERIAL_LINK_BASE_URL`); read at each call. */
  baseUrl: () => string;
  /** How long a link works (`MATERIAL_LINK_TTL`), in seconds. */
  ttlSeconds: number;
  now?: () => number;
}

/**
 * The call's input with each material its service declares (a `materialLink` field) replaced by
 * a link signed for this application, step and department, made at each attempt so a retry
 * never sends an expired one. A material id in a field the service does not declare as a
 * material stays an id: no department receives a material it did not declare.
 */
export async function withMaterialLinks(
  deps: MaterialLinkDeps | undefined,
  service: ServiceDefinition,
  call: { applicationId: string; stepId: string; department: string; input: Record<string, unknown> },
): Promise<Record<string, unknown>> {
  if (!deps) return call.input;
  const shape = service.input.shape as Record<string, Parameters<typeof fieldKind>[0]>;
  const linked: Record<string, unknown> = { ...call.input };
  for (const [field, schema] of Object.entries(shape)) {
    const id = call.input[field];
    if (fieldKind(schema) !== 'material-link' || typeof id !== 'string' || !materialIdPattern.test(id))
      continue;
    const material = await deps.materials.metadata(id);
    // The API checked it when the form came in; gone now is a fault to retry and then hold.
    if (!material) throw new Error(`material ${id} of field ${field} is not in the store`);
    const expires = Math.floor((deps.now ?? Date.now)() / 1000) + deps.ttlSeconds;
    const link: MaterialLink = {
      materialId: id,
      url: signedMaterialUrl(deps.baseUrl(), deps.keyring, {
        materialId: id,
        applicationId: call.applicationId,
        department: call.department,
        stepId: call.stepId,
        expires,
      }),
      expiresAt: new Date(expires * 1000).toISOString(),
      contentType: material.content_type as MaterialType,
      size: material.size,
      sha256: material.sha256,
    };
    linked[field] = link;
  }
  return linked;
}

import { z } from 'zod';
import { label } from './fields.js';

/** The types a material's bytes may be sniffed as; a deployment accepts these or fewer (`MATERIAL_TYPES`). */
export const materialTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export const materialTypeSchema = z.enum(materialTypes);
export type MaterialType = z.infer<typeof materialTypeSchema>;

/**
 * The mark a field's schema carries when it holds a material or a certificate, read by the form
 * checks (which materials a form names) and the department call (which fields become links).
 */
const kindKey = 'x-onething-kind';
type FieldKind = 'material' | 'material-link' | 'certificate';

/** A material's id as `POST /v1/materials` returns it: `mat_` and 32 hex digits. */
export const materialIdPattern = /^mat_[0-9a-f]{32}$/;

/**
 * A form field that names an uploaded material (a scan, a photo). The API checks that it exists
 * and belongs to the submitting portal; departments that declare it receive a link, never the id.
 */
export const materialId = z
  .string()
  .regex(materialIdPattern, { message: 'a material id (mat_ and 32 hex digits) from POST /v1/materials' })
  .meta({ [kindKey]: 'material', description: 'the id of a material uploaded with POST /v1/materials' });

/** A material as its portal sees it once uploaded (`POST /v1/materials`). */
export const materialViewSchema = z.object({
  id: z.string().regex(materialIdPattern),
  contentType: materialTypeSchema.describe('sniffed from the bytes, never taken from the header'),
  size: z.number().int().nonnegative().describe('bytes'),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .describe('SHA-256 of the bytes, hex'),
  createdAt: z.string(),
});
export type MaterialView = z.infer<typeof materialViewSchema>;

/**
 * What a department whose service declares a material field receives in its place: a short-lived
 * signed link to the bytes, served by the API (each read goes to the applicant's access log).
 */
export const materialLink = z
  .object({
    materialId: z.string().regex(materialIdPattern),
    url: z.url().describe('GET it before expiresAt; signed for this one material, application and step'),
    expiresAt: z.string(),
    contentType: materialTypeSchema,
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict()
  .meta({ [kindKey]: 'material-link' });
export type MaterialLink = z.infer<typeof materialLink>;

/** The kinds of electronic certificate (电子证照) a department may issue. */
export const certificateTypeSchema = z.enum([
  'birth-medical-certificate',
  'household-register-page',
  'business-licence',
  'driving-licence',
  'vehicle-registration-certificate',
  'social-security-card',
]);

// Labelled for the clerks' decision forms and task pages, which draw a service's outputs.
const certificateTypeLabel = label({ zh: '证照类型', en: 'Certificate type' });

/**
 * An electronic certificate (电子证照) issued by a department, as a reference: the next department
 * and the portal fetch `verificationUrl` to verify it, instead of copying its number.
 */
export const certificateReference = z
  .object({
    type: certificateTypeSchema.meta(certificateTypeLabel),
    issuer: z
      .string()
      .min(1)
      .max(100)
      .meta(label({ zh: '发证单位', en: 'Issuer' }, { zh: '签发证照的部门', en: 'the issuing department' })),
    number: z
      .string()
      .min(1)
      .max(64)
      .meta(
        label(
          { zh: '证照编号', en: 'Certificate number' },
          { zh: '证照上的编号', en: 'the certificate number' },
        ),
      ),
    verificationUrl: z.url().meta(
      label(
        { zh: '核验地址', en: 'Verification URL' },
        {
          zh: '可查询证照是否有效及其内容',
          en: 'answers whether the certificate is valid, and what it says',
        },
      ),
    ),
  })
  .meta({ [kindKey]: 'certificate' });
export type CertificateReference = z.infer<typeof certificateReference>;
export type CertificateType = z.infer<typeof certificateTypeSchema>;

/** The mark of the type a catalogue declares for a certificate field. */
const certificateTypeKey = 'x-onething-certificate-type';

/**
 * A certificate reference of the one type a service declares for the field (its output, or what
 * the next department receives): an answer carrying another kind of certificate there is refused
 * as an output that does not match the catalogue.
 */
export function certificateOf(type: CertificateType) {
  return certificateReference
    .extend({ type: z.literal(type).meta(certificateTypeLabel) })
    .meta({ [kindKey]: 'certificate', [certificateTypeKey]: type });
}

/** The certificate type a field's schema declares (`certificateOf`), looking through optional and default wrappers. */
export function declaredCertificateType(schema: z.ZodType): CertificateType | undefined {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 10; depth += 1) {
    const declared = z.globalRegistry.get(current)?.[certificateTypeKey];
    if (typeof declared === 'string') return certificateTypeSchema.parse(declared);
    const def = (current as { _zod: { def: { innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
    const inner = def.innerType ?? def.in;
    if (!inner) return undefined;
    current = inner;
  }
  return undefined;
}

/** The kind mark of a field's schema, looking through optional, nullable and default wrappers. */
export function fieldKind(schema: z.ZodType): FieldKind | undefined {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 10; depth += 1) {
    const kind = z.globalRegistry.get(current)?.[kindKey];
    if (typeof kind === 'string') return kind as FieldKind;
    const def = (current as { _zod: { def: { innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
    const inner = def.innerType ?? def.in;
    if (!inner) return undefined;
    current = inner;
  }
  return undefined;
}

/** The object shape behind wrappers (optional, default, pipes, refinements), if the schema is an object. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 10; depth += 1) {
    if (current instanceof z.ZodObject) return current.shape;
    const def = (current as { _zod: { def: { innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
    const inner = def.innerType ?? def.in;
    if (!inner) return undefined;
    current = inner;
  }
  return undefined;
}

/**
 * Every material a (parsed) form names through a field its schema declares as a material, with
 * the field's path: what the API checks before it accepts the form.
 */
export function materialsNamed(
  schema: z.ZodType,
  value: unknown,
  path: string[] = [],
): Array<{ path: string; id: string }> {
  if (fieldKind(schema) === 'material')
    return typeof value === 'string' ? [{ path: path.join('.'), id: value }] : [];
  const shape = objectShape(schema);
  if (!shape || typeof value !== 'object' || value === null) return [];
  return Object.entries(shape).flatMap(([key, field]) =>
    materialsNamed(field, (value as Record<string, unknown>)[key], [...path, key]),
  );
}

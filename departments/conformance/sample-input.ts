import type { z } from 'zod';
import { citizenIdCheckDigit } from '../../schemas/fields.js';
import { declaredCertificateType, fieldKind } from '../../schemas/materials.js';

/** Loosely typed view of a zod 4 schema, enough to walk the shapes the catalogue uses. */
interface SchemaView {
  def: {
    type: string;
    innerType?: SchemaView;
    element?: SchemaView;
    values?: unknown[];
    shape?: Record<string, SchemaView>;
  };
  format?: string | null;
  minLength?: number | null;
  maxLength?: number | null;
  minValue?: number | null;
  options?: unknown[];
}

/** Region code used for generated ID numbers (Xihu district, Hangzhou), as the simulator's police uses. */
const region = '330106';

/**
 * A valid input for a service, built from its input schema: ID numbers with a correct check digit,
 * dates, the first value of each enum, names, addresses and issued numbers that look the part.
 * `overrides` replaces any field (for a schema whose rules a name cannot guess); the result is
 * checked against the schema, and an error names the field to override when it does not pass.
 */
export function sampleInput(
  schema: z.ZodObject,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  let index = 0;
  const shape = schema.shape as unknown as Record<string, SchemaView>;
  for (const [field, fieldSchema] of Object.entries(shape)) {
    index += 1;
    input[field] = field in overrides ? overrides[field] : sampleFor(field, fieldSchema, index);
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.') || '(root)'))];
    throw new Error(
      `cannot generate a valid sample for ${fields.join(', ')}: ${parsed.error.issues[0]?.message ?? 'invalid'}; pass it in overrides`,
    );
  }
  return input;
}

/** Samples of the shapes a name cannot guess: a material link and a certificate reference. */
const materialSample = `mat_${'0'.repeat(32)}`;
const kindSamples = {
  'material-link': {
    materialId: materialSample,
    url: `https://onething.invalid/v1/materials/${materialSample}/content`,
    expiresAt: '2026-01-15T08:00:00.000Z',
    contentType: 'application/pdf',
    size: 1024,
    sha256: '0'.repeat(64),
  },
  material: materialSample,
  certificate: {
    type: 'birth-medical-certificate',
    issuer: 'health',
    number: 'Y00000000001',
    verificationUrl: 'https://onething.invalid/certificates/Y00000000001',
  },
} as const;

function sampleFor(field: string, schema: SchemaView, index: number): unknown {
  const kind = fieldKind(schema as unknown as z.ZodType);
  // A certificate field declares its type: the sample is a certificate of that type.
  const declared = declaredCertificateType(schema as unknown as z.ZodType);
  if (kind === 'certificate' && declared) return { ...kindSamples.certificate, type: declared };
  if (kind) return kindSamples[kind];
  const { def } = schema;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'nonoptional':
      return def.innerType ? sampleFor(field, def.innerType, index) : undefined;
    case 'enum':
      return schema.options?.[0];
    case 'literal':
      return def.values?.[0];
    case 'boolean':
      return true;
    case 'number':
    case 'int':
      return Math.max(schema.minValue ?? 1, 1);
    case 'array':
      return def.element ? [sampleFor(field, def.element, index)] : [];
    case 'object':
      return Object.fromEntries(
        Object.entries(def.shape ?? {}).map(([key, inner], i) => [
          key,
          sampleFor(key, inner, index * 10 + i),
        ]),
      );
    case 'string':
      return fit(stringFor(field, schema, index), schema);
    default:
      return undefined;
  }
}

function stringFor(field: string, schema: SchemaView, index: number): string {
  switch (schema.format) {
    case 'date':
      return '2026-01-15';
    case 'datetime':
      return '2026-01-15T08:00:00Z';
    case 'email':
      return 'applicant@example.cn';
    case 'url':
      return 'https://example.cn/';
    case 'uuid':
      return '0b7f3c9e-4a51-4d6b-9a0e-3f2d8c1b5e47';
  }
  if (/IdNumber$/i.test(field)) return citizenId(index);
  if (/phone/i.test(field)) return `138${String(10_000_000 + index).slice(-8)}`;
  if (/bankAccount$|account(Number)?$/i.test(field)) return `62220212345678${String(index).padStart(5, '0')}`;
  if (/name$/i.test(field)) return '王小明';
  if (/address$/i.test(field)) return '浙江省杭州市西湖区文三路 100 号';
  if (/ethnicity$/i.test(field)) return '汉族';
  if (/(number|id|code)$/i.test(field)) return `${upperWords(field)}-${String(index).padStart(4, '0')}`;
  return 'sample';
}

/** A resident ID number with a valid check digit, born 1990-01-01, distinct per field. */
function citizenId(index: number): string {
  const first17 = `${region}19900101${String(index % 1000).padStart(3, '0')}`;
  return `${first17}${citizenIdCheckDigit(first17)}`;
}

/** `certificateNumber` → `CERTIFICATE`: a prefix that shows which field a generated number fills. */
function upperWords(field: string): string {
  const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' ');
  return (words.length > 1 ? words.slice(0, -1) : words).join('-').toUpperCase() || 'NO';
}

function fit(value: string, schema: SchemaView): string {
  let fitted = value;
  if (typeof schema.maxLength === 'number' && fitted.length > schema.maxLength)
    fitted = fitted.slice(0, schema.maxLength);
  if (typeof schema.minLength === 'number' && fitted.length < schema.minLength)
    fitted = fitted.padEnd(schema.minLength, '0');
  return fitted;
}

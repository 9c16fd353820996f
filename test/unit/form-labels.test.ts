import { describe, expect, it } from 'vitest';
import { bundleDetailOf } from '../../api/bundle-detail.js';
import { allBundles } from '../../bundles/index.js';

/** The JSON Schema keywords a portal renders a field from. */
interface FieldSchema {
  type?: string | string[];
  title?: string;
  'x-title'?: { zh?: string; en?: string };
  enum?: unknown[];
  'x-enum-labels'?: Record<string, { zh?: string; en?: string }>;
  format?: string;
  pattern?: string;
  properties?: Record<string, FieldSchema>;
  items?: FieldSchema;
  anyOf?: FieldSchema[];
}

interface Field {
  path: string;
  schema: FieldSchema;
  /** The example request's value at this path, when it has one (arrays: the first item). */
  example: unknown;
}

const child = (value: unknown, key: string | number): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;

/** Every field of a rendered schema, at any depth (objects, array items, nullable variants). */
function fieldsOf(schema: FieldSchema, example: unknown, prefix: string): Field[] {
  const variants = [schema, ...(schema.anyOf ?? [])];
  const object = variants.find((s) => s.properties);
  const items = variants.find((s) => s.items)?.items;
  return [
    ...Object.entries(object?.properties ?? {}).flatMap(([key, field]) => {
      const path = `${prefix}.${key}`;
      return [
        { path, schema: field, example: child(example, key) },
        ...fieldsOf(field, child(example, key), path),
      ];
    }),
    ...(items ? fieldsOf(items, child(example, 0), `${prefix}[]`) : []),
  ];
}

/** The enums a field offers: its own, or its items' (a multiple choice). */
const enumsOf = (field: FieldSchema): FieldSchema[] =>
  [field, field.items, ...(field.anyOf ?? [])].filter((s): s is FieldSchema => s?.enum !== undefined);

const hasChinese = (text: string | undefined) => /[\u4e00-\u9fff]/.test(text ?? '');

// Rendered as GET /v1/bundles/:id serves them.
const rendered = allBundles.map((bundle) => {
  const detail = bundleDetailOf(bundle);
  return {
    id: bundle.id,
    fields: [
      ...fieldsOf(detail.applicant, bundle.example.applicant, 'applicant'),
      ...fieldsOf(detail.form, bundle.example.form, 'form'),
    ],
  };
});

describe("every bundle's form, as portals render it", () => {
  it.each(rendered)('$id: every field has a title in Chinese and in English', ({ fields }) => {
    expect(fields.length).toBeGreaterThan(0);
    const untitled = fields
      .filter(({ schema }) => {
        const title = schema['x-title'];
        return !(hasChinese(title?.zh) && title?.en?.trim() && schema.title === title.zh);
      })
      .map((f) => f.path);
    expect(untitled).toEqual([]);
  });

  it.each(rendered)('$id: every choice has a label in both languages', ({ fields }) => {
    const unlabelled = fields.flatMap(({ path, schema }) =>
      enumsOf(schema).flatMap((e) =>
        (e.enum ?? [])
          .filter((value) => {
            const labels = schema['x-enum-labels'] ?? e['x-enum-labels'];
            const labelOf = labels?.[String(value)];
            return !(hasChinese(labelOf?.zh) && labelOf?.en?.trim());
          })
          .map((value) => `${path}=${String(value)}`),
      ),
    );
    expect(unlabelled).toEqual([]);
  });

  it.each(rendered)(
    '$id: ID numbers, phones and dates carry a pattern or format the example matches',
    ({ fields }) => {
      const problems: string[] = [];
      for (const { path, schema, example } of fields) {
        const name = path.split('.').at(-1) ?? '';
        const kind = /idNumber$/i.test(name)
          ? 'id'
          : /phone$/i.test(name)
            ? 'phone'
            : /date$/i.test(name)
              ? 'date'
              : undefined;
        if (!kind) continue;
        if (kind === 'date' && schema.format !== 'date') problems.push(`${path}: no format date`);
        if (!schema.pattern) {
          problems.push(`${path}: no pattern`);
          continue;
        }
        // The portal's check must not refuse what the API accepts: the example passes it.
        if (typeof example === 'string' && !new RegExp(schema.pattern, 'u').test(example))
          problems.push(`${path}: the example ${example} does not match ${schema.pattern}`);
      }
      expect(problems).toEqual([]);
    },
  );

  it('lets a portal check an ID number as the API reads it: trimmed, a lowercase x allowed', () => {
    const idNumber = rendered[0]?.fields.find((f) => f.path === 'applicant.idNumber')?.schema.pattern ?? '';
    const pattern = new RegExp(idNumber, 'u');
    expect(pattern.test('33010619920315002X')).toBe(true);
    expect(pattern.test(' 33010619920315002x ')).toBe(true);
    expect(pattern.test('3301061992031500')).toBe(false);
    expect(pattern.test('33010619920315002Y')).toBe(false);
  });

  it('finds a field without titles (the check can fail)', () => {
    const fields = fieldsOf(
      {
        properties: {
          a: {
            type: 'object',
            title: '甲',
            'x-title': { zh: '甲', en: 'A' },
            properties: { b: { type: 'string' } },
          },
        },
      },
      {},
      'form',
    );
    expect(fields.map((f) => f.path)).toEqual(['form.a', 'form.a.b']);
    expect(fields.filter((f) => !f.schema['x-title']).map((f) => f.path)).toEqual(['form.a.b']);
  });
});

import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { departments } from '../../departments/catalog/index.js';

/** The JSON Schema keywords a decision form or a task page labels a field from. */
interface FieldSchema {
  title?: string;
  'x-title'?: { zh?: string; en?: string };
  description?: string;
  'x-description'?: { zh?: string; en?: string };
  enum?: unknown[];
  'x-enum-labels'?: Record<string, { zh?: string; en?: string }>;
  properties?: Record<string, FieldSchema>;
  items?: FieldSchema;
  anyOf?: FieldSchema[];
}

interface Field {
  path: string;
  schema: FieldSchema;
}

/** Every field of an output schema, at any depth (objects, array items, nullable variants). */
function fieldsOf(schema: FieldSchema, prefix: string): Field[] {
  const variants = [schema, ...(schema.anyOf ?? [])];
  const object = variants.find((s) => s.properties);
  const items = variants.find((s) => s.items)?.items;
  return [
    ...Object.entries(object?.properties ?? {}).flatMap(([key, field]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      return [{ path, schema: field }, ...fieldsOf(field, path)];
    }),
    ...(items ? fieldsOf(items, `${prefix}[]`) : []),
  ];
}

const hasChinese = (text: string | undefined) => /[\u4e00-\u9fff]/.test(text ?? '');
const bothLanguages = (label: { zh?: string; en?: string } | undefined) =>
  hasChinese(label?.zh) && Boolean(label?.en?.trim());

/** The paths of fields without a title in both languages (`label()`), `title` being the Chinese. */
const untitled = (fields: Field[]) =>
  fields
    .filter(({ schema }) => !(bothLanguages(schema['x-title']) && schema.title === schema['x-title']?.zh))
    .map((f) => f.path);

/** The paths of fields whose description is not in both languages. */
const halfDescribed = (fields: Field[]) =>
  fields
    .filter(({ schema }) => schema.description !== undefined || schema['x-description'] !== undefined)
    .filter(
      ({ schema }) =>
        !(bothLanguages(schema['x-description']) && schema.description === schema['x-description']?.en),
    )
    .map((f) => f.path);

/** Every choice (`path=value`) without a label in both languages (`options()`). */
const unlabelledChoices = (fields: Field[]) =>
  fields.flatMap(({ path, schema }) =>
    [schema, schema.items, ...(schema.anyOf ?? [])]
      .filter((s): s is FieldSchema => s?.enum !== undefined)
      .flatMap((e) =>
        (e.enum ?? [])
          .filter((value) => !bothLanguages((schema['x-enum-labels'] ?? e['x-enum-labels'])?.[String(value)]))
          .map((value) => `${path}=${String(value)}`),
      ),
  );

// Rendered as a task's `outputsSchema` (api/work-list-views.ts) serves them.
const services = Object.values(departments).flatMap((d) =>
  Object.values(d.services).map((s) => ({
    name: `${d.id}.${s.id}`,
    fields: fieldsOf(z.toJSONSchema(s.output, { io: 'input', unrepresentable: 'any' }) as FieldSchema, ''),
  })),
);

describe("every service's outputs, as decision forms and task pages label them", () => {
  it('covers the services that return something', () => {
    expect(services.filter((s) => s.fields.length > 0).length).toBeGreaterThan(20);
  });

  it.each(services)('$name: every output field has a title in Chinese and in English', ({ fields }) => {
    expect(untitled(fields)).toEqual([]);
  });

  it.each(services)('$name: every description is in both languages', ({ fields }) => {
    expect(halfDescribed(fields)).toEqual([]);
  });

  it.each(services)('$name: every choice has a label in both languages', ({ fields }) => {
    expect(unlabelledChoices(fields)).toEqual([]);
  });

  it('finds an untitled field at any depth, and a description in one language (the checks can fail)', () => {
    const fields = fieldsOf(
      {
        properties: {
          a: {
            title: '甲',
            'x-title': { zh: '甲', en: 'A' },
            properties: { b: { description: 'only English' } },
          },
          c: { title: 'C', 'x-title': { zh: 'C', en: 'C' }, items: { enum: ['x'] } },
        },
      },
      '',
    );
    expect(fields.map((f) => f.path)).toEqual(['a', 'a.b', 'c']);
    expect(untitled(fields)).toEqual(['a.b', 'c']);
    expect(halfDescribed(fields)).toEqual(['a.b']);
    expect(unlabelledChoices(fields)).toEqual(['c=x']);
  });
});

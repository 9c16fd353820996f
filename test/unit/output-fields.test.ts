import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { departments } from '../../departments/catalog/index.js';

// The console is browser JavaScript without declarations; this is the part of it that needs no DOM.
interface OutputField {
  name: string;
  kind: string;
  required: boolean;
  title: { zh: string; en: string } | null;
  options: string[];
}
type Checked = { value: unknown } | { problem: string; limit?: number };
interface OutputFieldsModule {
  outputFieldsOf: (schema: Record<string, unknown>) => {
    fields: OutputField[];
    omitted: string[];
    unrenderable: string[];
  };
  checkValue: (field: OutputField, typed: string | boolean) => Checked;
}
const modulePath = new URL('../../console/output-fields.js', import.meta.url).href;
const { outputFieldsOf, checkValue } = (await import(modulePath)) as OutputFieldsModule;

const outputsSchemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;

const services = Object.values(departments).flatMap((d) =>
  Object.values(d.services).map((s) => ({ name: `${d.id}.${s.id}`, output: s.output })),
);

describe('decision forms drawn from output schemas', () => {
  it.each(services)('draws every output $name an approval must give', ({ output }) => {
    const schema = outputsSchemaOf(output);
    const { fields, omitted, unrenderable } = outputFieldsOf(schema);
    expect(unrenderable).toEqual([]);
    const required = (schema['required'] as string[] | undefined) ?? [];
    // Every required output has an input; only optional records the work list adds are left out.
    for (const name of required) expect(fields.map((f) => f.name)).toContain(name);
    expect([...fields.map((f) => f.name), ...omitted].sort()).toEqual(
      Object.keys(schema['properties'] as object).sort(),
    );
  });

  it('maps each kind of property to its input, with labels, and checks values before sending', () => {
    const schema = outputsSchemaOf(
      z.object({
        certificateNumber: z
          .string()
          .min(3)
          .max(8)
          .meta({ title: '证书编号', 'x-title': { zh: '证书编号', en: 'Certificate number' } }),
        amountFen: z.number().int().min(0),
        rate: z.number().optional(),
        urgent: z.boolean(),
        kind: z.enum(['new', 'reissue']),
        issuedOn: z.iso.date(),
        issuedAt: z.iso.datetime().optional(),
        note: z.string().nullable().optional(),
        record: z.object({ a: z.string() }).optional(),
      }),
    );
    const { fields, omitted, unrenderable } = outputFieldsOf(schema);
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['certificateNumber', 'text', true],
      ['amountFen', 'integer', true],
      ['rate', 'number', false],
      ['urgent', 'boolean', true],
      ['kind', 'select', true],
      ['issuedOn', 'date', true],
      ['issuedAt', 'date-time', false],
      ['note', 'text', false],
    ]);
    expect(omitted).toEqual(['record']);
    expect(unrenderable).toEqual([]);
    const byName = new Map(fields.map((f) => [f.name, f]));
    const field = (name: string) => byName.get(name) as OutputField;
    expect(field('certificateNumber').title).toEqual({ zh: '证书编号', en: 'Certificate number' });
    expect(field('kind').options).toEqual(['new', 'reissue']);

    expect(checkValue(field('certificateNumber'), ' ')).toEqual({ problem: 'required' });
    expect(checkValue(field('certificateNumber'), 'ab')).toEqual({ problem: 'minLength', limit: 3 });
    expect(checkValue(field('certificateNumber'), ' CN-1 ')).toEqual({ value: 'CN-1' });
    expect(checkValue(field('amountFen'), '1.5')).toEqual({ problem: 'integer' });
    expect(checkValue(field('amountFen'), '-1')).toEqual({ problem: 'minimum', limit: 0 });
    expect(checkValue(field('amountFen'), 'x')).toEqual({ problem: 'number' });
    expect(checkValue(field('amountFen'), '1200')).toEqual({ value: 1200 });
    expect(checkValue(field('rate'), '')).toEqual({ value: undefined });
    expect(checkValue(field('urgent'), false)).toEqual({ value: false });
    expect(checkValue(field('kind'), 'other')).toEqual({ problem: 'option' });
    expect(checkValue(field('issuedOn'), '2026-13-45')).toEqual({ problem: 'date' });
    expect(checkValue(field('issuedOn'), '2026-12-03')).toEqual({ value: '2026-12-03' });
    // A date-time is typed in Beijing time.
    expect(checkValue(field('issuedAt'), '2026-12-03T08:30')).toEqual({ value: '2026-12-03T00:30:00.000Z' });
  });

  it('refuses a schema whose required output nobody can type in', () => {
    const schema = outputsSchemaOf(
      z.object({ record: z.object({ a: z.string() }), list: z.array(z.string()) }),
    );
    expect(outputFieldsOf(schema).unrenderable).toEqual(['record', 'list']);
  });
});

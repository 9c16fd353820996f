import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { consoleContractFiles } from '../../scripts/console-contract.js';
import { typeOf } from '../../scripts/json-schema-to-ts.js';

const noRefs = () => undefined;
const tsOf = (schema: z.ZodType, io: 'input' | 'output' = 'output') =>
  typeOf(z.toJSONSchema(schema, { io }), noRefs).replace(/\s+/g, ' ');

describe("the console's generated types and lists", () => {
  it('are what `npm run console:types` writes from the schemas now', async () => {
    for (const { path, text } of await consoleContractFiles()) {
      const committed = await readFile(new URL(`../../${path}`, import.meta.url), 'utf8');
      expect(committed, `${path} is stale: run npm run console:types`).toBe(text);
    }
  });
});

describe('TypeScript from JSON Schema', () => {
  it('keeps what the schema says of each field', () => {
    const schema = z.object({
      name: z.string().min(1).describe('who'),
      note: z.string().nullable(),
      kind: z.enum(['a', 'b']).optional(),
      fixed: z.literal('x'),
      counts: z.record(z.string(), z.number().int()),
      pair: z.tuple([z.string(), z.boolean()]),
      items: z.array(z.object({ id: z.string() })),
      anything: z.unknown(),
    });
    expect(tsOf(schema)).toBe(
      '{ /** who */ name: string; note: string | null; kind?: "a" | "b"; fixed: "x"; counts: Record<string, number>; pair: [string, boolean]; items: Array<{ id: string; }>; anything: unknown; }',
    );
  });

  it('gives a field with a default as present in an answer and optional in a request', () => {
    const schema = z.object({ limit: z.number().default(5) });
    expect(tsOf(schema, 'output')).toBe('{ limit: number; }');
    expect(tsOf(schema, 'input')).toBe('{ limit?: number; }');
  });

  it('lets any string absorb the string enums beside it', () => {
    expect(tsOf(z.union([z.enum(['a', 'b']), z.string()]))).toBe('string');
    expect(tsOf(z.union([z.enum(['a', 'b']), z.number()]))).toBe('"a" | "b" | number');
  });

  it('names a referenced schema by the name it is generated under', () => {
    const schema = { type: 'array', items: { $ref: '#/Title' } };
    expect(typeOf(schema, (ref) => (ref === '#/Title' ? 'Title' : undefined))).toBe('Title[]');
  });

  it('refuses what it cannot say in TypeScript rather than say less', () => {
    expect(() => tsOf(z.string().and(z.number()))).toThrow(/allOf/);
    expect(() => tsOf(z.object({ a: z.string() }).catchall(z.number()))).toThrow(/additional properties/);
    expect(() => typeOf({ $ref: '#/Elsewhere' }, noRefs)).toThrow(/unresolved/);
  });
});

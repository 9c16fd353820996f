/**
 * TypeScript declarations from the JSON Schemas `z.toJSONSchema` writes: just the keywords zod
 * emits for the API's views (objects, arrays, tuples, records, enums, unions, nullables, refs).
 * Any other keyword stops the generation rather than produce a type that says less than the schema.
 */

/** A JSON Schema as zod writes it. */
export type JsonSchema = { [keyword: string]: unknown };

// Keywords that only constrain values a type already admits (lengths, ranges, formats, patterns)
// or annotate them.
const ignored = new Set([
  '$schema',
  '$id',
  'description',
  'title',
  'default',
  'examples',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'propertyNames',
  'id',
]);
const understood = new Set([
  ...ignored,
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'prefixItems',
  'enum',
  'const',
  'anyOf',
  'oneOf',
  '$ref',
  '$defs',
]);

const primitives: Record<string, string> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  null: 'null',
};

const literal = (value: unknown) => JSON.stringify(value);
const propertyKey = (name: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : literal(name));
const indent = (text: string) => text.replace(/\n/g, '\n  ');
const union = (types: string[]) => [...new Set(types)].join(' | ');
const inArray = (type: string) => (/^[A-Za-z0-9_.]+$/.test(type) ? `${type}[]` : `Array<${type}>`);

/** `/** … *\/` above a declaration, or nothing when the schema says nothing about itself. */
export function docComment(text: unknown): string {
  if (typeof text !== 'string' || text === '') return '';
  return `/** ${text.replace(/\*\//g, '*\\/')} */\n`;
}

/**
 * The TypeScript type of `schema`. `refName` names the declaration a `$ref` points to (another
 * generated type); `defs` holds the `$defs` of the document the schema came from, which are inlined.
 */
export function typeOf(
  schema: JsonSchema | boolean,
  refName: (ref: string) => string | undefined,
  defs: Record<string, JsonSchema> = {},
  refSchema: (ref: string) => JsonSchema | undefined = () => undefined,
): string {
  if (schema === true) return 'unknown';
  if (schema === false) return 'never';
  const unknownKeywords = Object.keys(schema).filter((k) => !understood.has(k));
  if (unknownKeywords.length > 0)
    throw new Error(`no TypeScript for JSON Schema keywords ${unknownKeywords.join(', ')}`);
  const nested = { ...defs, ...((schema.$defs as Record<string, JsonSchema> | undefined) ?? {}) };
  const recurse = (s: unknown) => typeOf(s as JsonSchema, refName, nested, refSchema);

  if (typeof schema.$ref === 'string') {
    const named = refName(schema.$ref);
    if (named) return named;
    const local = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1];
    const def = local === undefined ? undefined : nested[local];
    if (!def) throw new Error(`unresolved $ref ${schema.$ref}`);
    return recurse(def);
  }
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  const alternatives = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (alternatives) {
    // Any string absorbs the string enums beside it (they document the values, the type is string).
    const anyString = alternatives.some((a) => a.type === 'string' && !('enum' in a) && !('const' in a));
    const kept = anyString ? alternatives.filter((a) => !isStringChoice(a, refSchema, nested)) : alternatives;
    return union(kept.map(recurse));
  }
  if (Array.isArray(schema.type)) {
    return union((schema.type as unknown[]).map((type) => recurse({ ...schema, type })));
  }
  switch (schema.type) {
    case undefined:
      return 'unknown';
    case 'array': {
      if (Array.isArray(schema.prefixItems)) return `[${schema.prefixItems.map(recurse).join(', ')}]`;
      return inArray(schema.items === undefined ? 'unknown' : recurse(schema.items));
    }
    case 'object':
      return objectType(schema, recurse);
    default: {
      const primitive = primitives[String(schema.type)];
      if (!primitive) throw new Error(`no TypeScript for JSON Schema type ${String(schema.type)}`);
      return primitive;
    }
  }
}

/** True for a schema of some strings only (an enum or a constant), seen through refs. */
function isStringChoice(
  schema: JsonSchema,
  refSchema: (ref: string) => JsonSchema | undefined,
  defs: Record<string, JsonSchema>,
): boolean {
  if (typeof schema.$ref === 'string') {
    const local = /^#\/\$defs\/(.+)$/.exec(schema.$ref)?.[1];
    const target = local === undefined ? refSchema(schema.$ref) : defs[local];
    return target !== undefined && isStringChoice(target, refSchema, defs);
  }
  if ('const' in schema) return typeof schema.const === 'string';
  return Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string');
}

function objectType(schema: JsonSchema, recurse: (s: unknown) => string): string {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const extra = schema.additionalProperties;
  const names = Object.keys(properties);
  if (names.length === 0) {
    return extra === false
      ? 'Record<string, never>'
      : `Record<string, ${extra === undefined ? 'unknown' : recurse(extra)}>`;
  }
  if (extra !== undefined && extra !== false) {
    throw new Error('no TypeScript for an object with both properties and additional properties');
  }
  const lines = names.map((name) => {
    const property = properties[name] as JsonSchema;
    const optional = required.has(name) ? '' : '?';
    return `${docComment(property.description)}${propertyKey(name)}${optional}: ${recurse(property)};`;
  });
  return `{\n  ${lines.map(indent).join('\n  ')}\n}`;
}

// The decision form's fields, read from a service's output schema (JSON Schema, as the task's
// `outputsSchema` has it), and the checks a typed value must pass before it is sent. No DOM here:
// a unit test maps every service of the catalogue with it.

/**
 * @typedef {{ zh: string, en: string }} Bilingual
 * @typedef {'text' | 'integer' | 'number' | 'boolean' | 'select' | 'date' | 'date-time'} FieldKind
 * @typedef {{
 *   name: string, kind: FieldKind, required: boolean,
 *   title: Bilingual | null, description: Bilingual | null, options: string[],
 *   minimum?: number, maximum?: number, minLength?: number, maxLength?: number, pattern?: string,
 * }} OutputField
 * @typedef {'required' | 'integer' | 'number' | 'minimum' | 'maximum' | 'minLength' | 'maxLength' | 'pattern' | 'option' | 'date'} ValueProblem
 * @typedef {{ value: unknown } | { problem: ValueProblem, limit?: number }} Checked
 * @typedef {Record<string, unknown>} JsonSchema
 */

/** @param {unknown} value @returns {value is JsonSchema} */
const isSchema = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A nullable property (`type: [X, 'null']` or `anyOf: [X, {type: 'null'}]`) is drawn as X: an empty optional field is
 * left out, never sent as null.
 * @param {JsonSchema} schema
 * @returns {JsonSchema}
 */
function unwrapNullable(schema) {
  const types = schema['type'];
  if (Array.isArray(types)) {
    const others = types.filter((t) => t !== 'null');
    return others.length === 1 ? { ...schema, type: others[0] } : schema;
  }
  const anyOf = Array.isArray(schema['anyOf']) ? schema['anyOf'].filter(isSchema) : [];
  const others = anyOf.filter((s) => s['type'] !== 'null');
  return others.length === 1 && others[0] ? { ...schema, ...others[0] } : schema;
}

/**
 * A label in both languages: `x-title` as `label()` (schemas/fields.ts) writes it, else `title`
 * for both.
 * @param {JsonSchema} schema
 * @param {string} bilingualKey
 * @param {string} plainKey
 * @returns {Bilingual | null}
 */
function bilingual(schema, bilingualKey, plainKey) {
  const both = schema[bilingualKey];
  if (isSchema(both) && typeof both['zh'] === 'string' && typeof both['en'] === 'string')
    return { zh: both['zh'], en: both['en'] };
  const plain = schema[plainKey];
  return typeof plain === 'string' ? { zh: plain, en: plain } : null;
}

/**
 * @param {JsonSchema} schema
 * @returns {FieldKind | null} null: not something a person types in (an object, a list)
 */
function kindOf(schema) {
  if (Array.isArray(schema['enum'])) return 'select';
  switch (schema['type']) {
    case 'string':
      if (schema['format'] === 'date') return 'date';
      if (schema['format'] === 'date-time') return 'date-time';
      return 'text';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return null;
  }
}

/** @param {unknown} value @returns {number | undefined} */
const numberOr = (value) => (typeof value === 'number' ? value : undefined);

/**
 * The fields of an output schema, in its order. Optional properties a person cannot type in (an
 * object, such as the verification record the work list adds itself) are `omitted`; required
 * ones make the schema `unrenderable`, which the catalogue's unit test forbids.
 * @param {JsonSchema} schema
 * @returns {{ fields: OutputField[], omitted: string[], unrenderable: string[] }}
 */
export function outputFieldsOf(schema) {
  const properties = isSchema(schema['properties']) ? schema['properties'] : {};
  const required = Array.isArray(schema['required']) ? schema['required'] : [];
  /** @type {OutputField[]} */
  const fields = [];
  /** @type {string[]} */
  const omitted = [];
  /** @type {string[]} */
  const unrenderable = [];
  for (const [name, raw] of Object.entries(properties)) {
    const property = isSchema(raw) ? unwrapNullable(raw) : {};
    const kind = kindOf(property);
    const isRequired = required.includes(name);
    if (kind === null) {
      (isRequired ? unrenderable : omitted).push(name);
      continue;
    }
    /** @type {OutputField} */
    const field = {
      name,
      kind,
      required: isRequired,
      title: bilingual(property, 'x-title', 'title'),
      description: bilingual(property, 'x-description', 'description'),
      options: Array.isArray(property['enum']) ? property['enum'].map(String) : [],
    };
    const limits = {
      minimum: numberOr(property['minimum']),
      maximum: numberOr(property['maximum']),
      minLength: numberOr(property['minLength']),
      maxLength: numberOr(property['maxLength']),
    };
    for (const [key, limit] of Object.entries(limits))
      if (limit !== undefined) Object.assign(field, { [key]: limit });
    if (typeof property['pattern'] === 'string') field.pattern = property['pattern'];
    fields.push(field);
  }
  return { fields, omitted, unrenderable };
}

/**
 * A date-time input gives Beijing wall-clock time (`2026-12-03T14:30`); the API wants an instant.
 * @param {string} local
 */
const beijingInstant = (local) => new Date(`${local.length === 16 ? `${local}:00` : local}+08:00`);

/**
 * @param {string} pattern
 * @param {string} text
 */
function matches(pattern, text) {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    // A pattern this browser cannot compile is left to the API, which checks every output again.
    return true;
  }
}

/**
 * The value to send for what was typed, or why it cannot be sent. An empty optional field is
 * `{ value: undefined }`: left out of the outputs.
 * @param {OutputField} field
 * @param {string | boolean} typed a checkbox's state, else the control's text
 * @returns {Checked}
 */
export function checkValue(field, typed) {
  if (field.kind === 'boolean') return { value: typed === true };
  const text = String(typed).trim();
  if (text === '') return field.required ? { problem: 'required' } : { value: undefined };
  switch (field.kind) {
    case 'integer':
    case 'number': {
      const number = Number(text);
      if (!Number.isFinite(number)) return { problem: 'number' };
      if (field.kind === 'integer' && !Number.isInteger(number)) return { problem: 'integer' };
      if (field.minimum !== undefined && number < field.minimum)
        return { problem: 'minimum', limit: field.minimum };
      if (field.maximum !== undefined && number > field.maximum)
        return { problem: 'maximum', limit: field.maximum };
      return { value: number };
    }
    case 'select':
      return field.options.includes(text) ? { value: text } : { problem: 'option' };
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text))
        ? { value: text }
        : { problem: 'date' };
    case 'date-time': {
      const instant = beijingInstant(text);
      return Number.isNaN(instant.getTime()) ? { problem: 'date' } : { value: instant.toISOString() };
    }
    default:
      if (field.minLength !== undefined && text.length < field.minLength)
        return { problem: 'minLength', limit: field.minLength };
      if (field.maxLength !== undefined && text.length > field.maxLength)
        return { problem: 'maxLength', limit: field.maxLength };
      if (field.pattern !== undefined && !matches(field.pattern, text)) return { problem: 'pattern' };
      return { value: text };
  }
}

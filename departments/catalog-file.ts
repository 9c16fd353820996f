import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config.js';
import { departments } from './catalog/index.js';
import type { DepartmentDefinition, ServiceDefinition } from './definition.js';

const titleSchema = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const idSchema = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, { message: 'lower-case letters, digits and -' });
/** A JSON Schema of an object: what a service receives or returns. */
const objectSchemaSchema = z.looseObject({ type: z.literal('object') });

const serviceSchema = z.strictObject({
  title: titleSchema,
  /** What the department receives: a bundle can map no other field. */
  input: objectSchemaSchema,
  /** What it returns when it decides in the applicant's favour. */
  output: objectSchemaSchema,
  /** It can undo a decided call; used for compensation. */
  undo: z.strictObject({ title: titleSchema }).optional(),
});

/** The `DEPARTMENT_CATALOG` file: departments and their services, as the built-in catalogue declares them. */
export const catalogFileSchema = z.strictObject({
  departments: z.record(
    idSchema,
    z.strictObject({ title: titleSchema, services: z.record(idSchema, serviceSchema) }),
  ),
});

/**
 * Reads a department catalogue from a JSON or YAML file (by extension): departments whose systems
 * receive and return other fields than the built-in catalogue says, or departments it lacks,
 * without a release. Input and output are JSON Schemas of objects. Every problem is named by
 * department, service and field.
 */
export async function readCatalogFile(file: string): Promise<DepartmentDefinition[]> {
  const what = `DEPARTMENT_CATALOG (${file})`;
  let json: unknown;
  try {
    const text = await readFile(file, 'utf8');
    json = ['.yaml', '.yml'].includes(extname(file).toLowerCase()) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${what} cannot be read: ${(err as Error).message}`);
  }
  const parsed = catalogFileSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
    throw new ConfigError(`${what} is invalid:\n${lines.join('\n')}`);
  }
  const problems: string[] = [];
  const definitions = Object.entries(parsed.data.departments).map(([id, department]) => ({
    id,
    title: department.title,
    services: Object.fromEntries(
      Object.entries(department.services).map(([serviceId, service]) => {
        const schemaOf = (side: 'input' | 'output') => {
          try {
            const schema = z.fromJSONSchema(service[side]);
            if (schema instanceof z.ZodObject) return schema;
            problems.push(`  ${id}.${serviceId}.${side}: not an object schema`);
          } catch (err) {
            problems.push(`  ${id}.${serviceId}.${side}: ${(err as Error).message}`);
          }
          return z.object({});
        };
        const definition: ServiceDefinition = {
          id: serviceId,
          title: service.title,
          input: schemaOf('input'),
          output: schemaOf('output'),
          ...(service.undo ? { undo: service.undo } : {}),
        };
        return [serviceId, definition];
      }),
    ),
  }));
  if (problems.length > 0) throw new ConfigError(`${what} is invalid:\n${problems.join('\n')}`);
  return definitions;
}

/**
 * Puts the file's departments into the catalogue, each replacing the built-in one of its id
 * whole (a department's services are one contract). Done once at start-up, before anything
 * reads the catalogue; the bundles are then checked against it.
 */
export function applyCatalog(definitions: readonly DepartmentDefinition[]): void {
  for (const definition of definitions) departments[definition.id] = definition;
}

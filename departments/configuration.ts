import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import type { DepartmentAdapter } from './adapter.js';
import { departmentUrlUnder } from './adapters.js';
import { departments } from './catalog/index.js';
import { createHttpAdapter } from './http-adapter.js';
import type { HttpAuth } from './http-adapter.js';
import { loadModuleAdapter, ModuleAdapterError } from './module-adapter.js';
import { signatureAlgorithms } from './signing.js';
import type { SignatureAlgorithm, SigningKey } from './signing.js';

const keyIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { message: "1 to 64 letters, digits, '.', '_' or '-'" });
const secretSchema = z
  .string()
  .min(16, { message: 'at least 16 characters; make one with: openssl rand -base64 32' });
const timeoutSchema = z.int().min(100, { message: 'at least 100 (milliseconds)' });

/** How Onething authenticates its calls to a department reached over HTTP. */
const authSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hmac'), keyId: keyIdSchema, secret: secretSchema }),
  z.strictObject({ type: z.literal('bearer'), token: z.string().min(1) }),
]);

/** The secrets a department signs its callbacks with, by key id (several while one rotates). */
const callbackKeysSchema = z
  .record(keyIdSchema, secretSchema)
  .refine((keys) => Object.keys(keys).length > 0, { message: 'lists no key; leave it out instead' });

/**
 * The HMAC both directions of signing use for a department: `hmac-sm3` where its rules require
 * Chinese commercial cryptography (国密); `hmac-sha256` when absent.
 */
const signatureAlgorithmSchema = z.enum(signatureAlgorithms);

/** A department reached over HTTP with the Onething department protocol. */
const httpEntrySchema = z.strictObject({
  adapter: z.literal('http'),
  /** Services are POSTed to `<baseUrl>/services/<service>`. */
  baseUrl: z.url({ protocol: /^https?$/, message: 'an http:// or https:// URL' }),
  /** Per-request limit; DEPARTMENT_TIMEOUT_MS when absent. */
  timeoutMs: timeoutSchema.optional(),
  auth: authSchema.optional(),
  /** `false` when the department only calls back and has no cases endpoint to poll. */
  poll: z.boolean().optional(),
  /** Most bytes of an answer read (default 1 MiB); a larger answer is a failed call. */
  maxAnswerBytes: z.int().min(1024, { message: 'at least 1024 (bytes)' }).optional(),
  callbackKeys: callbackKeysSchema.optional(),
  signatureAlgorithm: signatureAlgorithmSchema.optional(),
});

/** A department served by a module of the operator's own (another protocol, a queue, a SOAP bridge). */
const moduleEntrySchema = z.strictObject({
  adapter: z.literal('module'),
  /** A path relative to the configuration file, or a package name. */
  module: z.string().min(1),
  timeoutMs: timeoutSchema.optional(),
  /** Passed to the module's `createAdapter` as `options`, unchecked here. */
  options: z.record(z.string(), z.unknown()).optional(),
  callbackKeys: callbackKeysSchema.optional(),
  signatureAlgorithm: signatureAlgorithmSchema.optional(),
});

/** The `DEPARTMENTS_CONFIG` file: per department id, the adapter that serves it. */
export const departmentsFileSchema = z.record(
  z.string(),
  z.discriminatedUnion('adapter', [httpEntrySchema, moduleEntrySchema]),
);
export type DepartmentsFile = z.infer<typeof departmentsFileSchema>;

/** Which adapter serves each department, and the keys both directions of signing use. */
export interface DepartmentSettings {
  /** Every catalogued department's adapter. */
  adapters: Map<string, DepartmentAdapter>;
  /**
   * Per department, the secrets its callbacks may be signed with, by key id. A department
   * missing here cannot call back: its callbacks are refused.
   */
  callbackKeys: Map<string, Map<string, string>>;
  /** Per department, the key Onething signs its calls with (HMAC departments only). */
  signingKeys: Map<string, SigningKey>;
  /** Departments that sign with another HMAC than the default HMAC-SHA256, both ways. */
  signatureAlgorithms: Map<string, SignatureAlgorithm>;
}

/** The file a development stack keeps its generated department secrets in. */
export const devSecretsFileName = 'department-secrets.json';

const devSecretsFileSchema = z.record(
  z.string(),
  z.strictObject({ keyId: keyIdSchema, secret: secretSchema }),
);

/**
 * Reads `DEPARTMENTS_CONFIG` (if set) and builds every department's adapter. Departments the file
 * does not list are reached over HTTP under `departmentsUrl` (the configured `DEPARTMENTS_URL`, or
 * the embedded simulator's URL); outside production they sign both ways with development secrets
 * generated once into `<DATA_DIR>/department-secrets.json`. Errors name the department and field.
 */
export async function loadDepartmentSettings(
  config: Pick<
    Config,
    | 'NODE_ENV'
    | 'DATA_DIR'
    | 'DEPARTMENTS_CONFIG'
    | 'DEPARTMENTS_URL'
    | 'DEPARTMENT_TIMEOUT_MS'
    | 'SIMULATOR_PORT'
  >,
  options: { departmentsUrl?: string } = {},
): Promise<DepartmentSettings> {
  const file = config.DEPARTMENTS_CONFIG ? resolve(config.DEPARTMENTS_CONFIG) : undefined;
  const listed = file ? await readDepartmentsFile(file) : {};
  const settings: DepartmentSettings = {
    adapters: new Map(),
    callbackKeys: new Map(),
    signingKeys: new Map(),
    signatureAlgorithms: new Map(),
  };

  const unlisted = Object.keys(departments).filter((id) => listed[id] === undefined);
  if (unlisted.length > 0) {
    const root =
      options.departmentsUrl ?? config.DEPARTMENTS_URL ?? `http://127.0.0.1:${config.SIMULATOR_PORT}`;
    // Production never invents secrets: a department left to the default goes unsigned and
    // cannot call back until it is configured.
    const devKeys =
      config.NODE_ENV === 'production' ? undefined : await ensureDevDepartmentSecrets(config.DATA_DIR);
    for (const id of unlisted) {
      const key = devKeys?.get(id);
      settings.adapters.set(
        id,
        createHttpAdapter({
          baseUrl: departmentUrlUnder(root, id),
          timeoutMs: config.DEPARTMENT_TIMEOUT_MS,
          ...(key ? { auth: { type: 'hmac', ...key } } : {}),
        }),
      );
      if (key) {
        settings.signingKeys.set(id, key);
        settings.callbackKeys.set(id, new Map([[key.keyId, key.secret]]));
      }
    }
  }

  for (const [id, entry] of Object.entries(listed)) {
    const timeoutMs = entry.timeoutMs ?? config.DEPARTMENT_TIMEOUT_MS;
    const algorithm = entry.signatureAlgorithm;
    if (algorithm) settings.signatureAlgorithms.set(id, algorithm);
    if (entry.adapter === 'http') {
      const auth: HttpAuth | undefined =
        entry.auth?.type === 'hmac' && algorithm ? { ...entry.auth, algorithm } : entry.auth;
      settings.adapters.set(
        id,
        createHttpAdapter({
          baseUrl: entry.baseUrl,
          timeoutMs,
          ...(auth ? { auth } : {}),
          ...(entry.poll !== undefined ? { poll: entry.poll } : {}),
          ...(entry.maxAnswerBytes !== undefined ? { maxAnswerBytes: entry.maxAnswerBytes } : {}),
        }),
      );
      if (auth?.type === 'hmac') {
        settings.signingKeys.set(id, {
          keyId: auth.keyId,
          secret: auth.secret,
          ...(algorithm ? { algorithm } : {}),
        });
      }
    } else {
      try {
        settings.adapters.set(
          id,
          await loadModuleAdapter(
            entry.module,
            { department: id, timeoutMs, options: entry.options ?? {} },
            dirname(file ?? '.'),
          ),
        );
      } catch (err) {
        if (err instanceof ModuleAdapterError)
          throw new ConfigError(`DEPARTMENTS_CONFIG (${file}): ${err.message}`, { cause: err });
        throw err;
      }
    }
    if (entry.callbackKeys) settings.callbackKeys.set(id, new Map(Object.entries(entry.callbackKeys)));
  }
  return settings;
}

/** Reads and checks the departments file; every problem is listed, by department and field. */
export async function readDepartmentsFile(file: string): Promise<DepartmentsFile> {
  const what = `DEPARTMENTS_CONFIG (${file})`;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${what} cannot be read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  return parseDepartmentsFile(json, what);
}

/** Checks a parsed departments file: `what` prefixes every message (e.g. the file's name). */
export function parseDepartmentsFile(json: unknown, what = 'DEPARTMENTS_CONFIG'): DepartmentsFile {
  const parsed = departmentsFileSchema.safeParse(json);
  const lines: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [department, ...field] = issue.path.map(String);
      if (department === undefined) {
        lines.push(`  ${issue.message}: the file is an object of department ids to adapter settings`);
        continue;
      }
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          lines.push(`  department ${department}: ${[...field, key].join('.')}: unknown field`);
        continue;
      }
      lines.push(
        `  department ${department}: ${field.length > 0 ? field.join('.') : '(entry)'}: ${issue.message}`,
      );
    }
  }
  const known = Object.keys(departments);
  for (const id of Object.keys(typeof json === 'object' && json !== null ? json : {})) {
    if (!known.includes(id))
      lines.push(`  department ${id}: not in the catalogue (known: ${known.join(', ')})`);
  }
  if (!parsed.success || lines.length > 0) throw new ConfigError(`${what} is invalid:\n${lines.join('\n')}`);
  return parsed.data;
}

/**
 * One development signing key per catalogued department, generated once into
 * `<dataDir>/department-secrets.json` (mode 0600) and reused on every start, so the simulator and
 * Onething can sign both ways across restarts. A department the catalogue gained is added.
 */
export async function ensureDevDepartmentSecrets(dataDir: string): Promise<Map<string, SigningKey>> {
  const file = join(dataDir, devSecretsFileName);
  await mkdir(dataDir, { recursive: true });
  let saved = await readDevSecrets(file);
  const missing = Object.keys(departments).filter((id) => saved?.[id] === undefined);
  if (missing.length > 0) {
    const fresh = Object.fromEntries(missing.map((id) => [id, newDevKey()]));
    if (saved === undefined) {
      // `wx`: two processes starting at once agree on the first one's secrets.
      const created = await writeFile(file, serialise(fresh), { mode: 0o600, flag: 'wx' }).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
          return false;
        },
      );
      saved = created ? fresh : await readDevSecrets(file);
    } else {
      const merged = { ...saved, ...fresh };
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, serialise(merged), { mode: 0o600 });
      await rename(temporary, file);
      saved = merged;
    }
  }
  return new Map(Object.entries(saved ?? {}));
}

async function readDevSecrets(file: string): Promise<Record<string, SigningKey> | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = devSecretsFileSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(
      `${file} is not a development secrets file ({ "<department>": { "keyId", "secret" } }); delete it to generate new ones`,
    );
  }
  return parsed.data;
}

function newDevKey(): SigningKey {
  return { keyId: `dev-${randomBytes(4).toString('hex')}`, secret: randomBytes(32).toString('base64url') };
}

function serialise(secrets: Record<string, SigningKey>): string {
  return `${JSON.stringify(secrets, null, 2)}\n`;
}

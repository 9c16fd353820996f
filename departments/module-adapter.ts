import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DepartmentAdapter } from './adapter.js';

/** What a module adapter's `createAdapter` receives from the departments configuration file. */
export interface ModuleAdapterSettings {
  /** The department id the adapter serves. */
  department: string;
  /** The per-request limit configured for department calls, in milliseconds. */
  timeoutMs: number;
  /** The entry's `options` object, passed through unchecked: the module validates its own settings. */
  options: Record<string, unknown>;
}

/**
 * The shape of a module that serves a department: it exports `createAdapter(settings)`
 * (sync or async) or, for an adapter that needs no settings, a default adapter object.
 */
export interface DepartmentAdapterModule {
  createAdapter?: (settings: ModuleAdapterSettings) => DepartmentAdapter | Promise<DepartmentAdapter>;
  default?: unknown;
}

/** A module adapter that could not be loaded; the message names the department and the module. */
export class ModuleAdapterError extends Error {
  override readonly name = 'ModuleAdapterError';
}

/**
 * Imports the module named by `specifier` and builds its adapter. A relative path is resolved
 * against `baseDir` (the configuration file's folder); a bare name is a package.
 */
export async function loadModuleAdapter(
  specifier: string,
  settings: ModuleAdapterSettings,
  baseDir: string,
): Promise<DepartmentAdapter> {
  const where = `department ${settings.department}: module ${specifier}`;
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  const target = isPath ? pathToFileURL(resolve(baseDir, specifier)).href : specifier;
  let loaded: DepartmentAdapterModule;
  try {
    loaded = (await import(target)) as DepartmentAdapterModule;
  } catch (cause) {
    throw new ModuleAdapterError(`${where} could not be loaded: ${String(cause)}`, { cause });
  }
  let adapter: unknown;
  if (typeof loaded.createAdapter === 'function') {
    try {
      adapter = await loaded.createAdapter(settings);
    } catch (cause) {
      throw new ModuleAdapterError(`${where}: createAdapter failed: ${String(cause)}`, { cause });
    }
  } else {
    adapter = loaded.default;
  }
  if (!isAdapter(adapter)) {
    throw new ModuleAdapterError(
      `${where} exports neither createAdapter(settings) returning an adapter nor a default adapter with submit()`,
    );
  }
  return adapter;
}

function isAdapter(value: unknown): value is DepartmentAdapter {
  if (typeof value !== 'object' || value === null) return false;
  const { submit, poll, compensate } = value as Record<string, unknown>;
  return (
    typeof submit === 'function' &&
    (poll === undefined || typeof poll === 'function') &&
    (compensate === undefined || typeof compensate === 'function')
  );
}

import { departments } from './catalog/index.js';
import type { DepartmentAdapter } from './adapter.js';
import { createHttpAdapter } from './http-adapter.js';

/** Where one department is under a gateway (or the simulator): `<root>/departments/<id>`. */
export function departmentUrlUnder(root: string, department: string): string {
  return `${root.replace(/\/+$/, '')}/departments/${department}`;
}

/**
 * Every catalogued department reached over HTTP under one base URL: `<baseUrl>/departments/<id>`.
 * That is how the simulator, and a gateway in front of the real systems, are laid out. For
 * per-department adapters, URLs and keys, see `configuration.ts`.
 */
export function httpAdaptersUnder(baseUrl: string, timeoutMs: number): Map<string, DepartmentAdapter> {
  return new Map(
    Object.keys(departments).map((id) => [
      id,
      createHttpAdapter({ baseUrl: departmentUrlUnder(baseUrl, id), timeoutMs }),
    ]),
  );
}

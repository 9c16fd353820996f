import { departments } from './catalog/index.js';
import type { DepartmentAdapter } from './adapter.js';
import { createHttpAdapter } from './http-adapter.js';

/**
 * Every catalogued department reached over HTTP under one base URL: `<baseUrl>/departments/<id>`.
 * That is how the simulator, and a gateway in front of the real systems, are laid out.
 */
export function httpAdaptersUnder(baseUrl: string, timeoutMs: number): Map<string, DepartmentAdapter> {
  const root = baseUrl.replace(/\/+$/, '');
  return new Map(
    Object.keys(departments).map((id) => [
      id,
      createHttpAdapter({ baseUrl: `${root}/departments/${id}`, timeoutMs }),
    ]),
  );
}

import { z } from 'zod';

/**
 * An administrative division code (行政区划代码), 6 digits: a province (`330000`), a city
 * (`330100`) or a county or district (`330106`). Never a township or village code (9 or 12
 * digits): a region is where an application is handled, not where one person lives.
 */
export const regionCodeSchema = z
  .string()
  .regex(/^[1-9]\d{5}$/, 'a 6-digit administrative division code (行政区划代码), e.g. 330106')
  .describe('an administrative division code (行政区划代码), 6 digits, e.g. 330106');

/** The region of an application started without one: only operators of every region see it. */
export const unstatedRegion = '000000';

/**
 * The digits a code's divisions share: `330000` → `33` (the province and all under it),
 * `330100` → `3301`, `330106` → `330106`.
 */
export function regionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}

/** True when the region `code` lies in the scope `scope` (the same division or one under it). */
export function inRegion(scope: string, code: string): boolean {
  return code.startsWith(regionPrefix(scope));
}

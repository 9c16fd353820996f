import type { z } from 'zod';
import { problemCodes } from '../schemas/error-codes.js';
import { ProblemError } from './problem.js';

/**
 * A page's `nextCursor`: the sort key of the last row it showed, as base64url JSON. Clients pass
 * it back untouched; `decodeCursor` checks it, since a cursor is input like any other.
 */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The sort key a cursor stands for, checked against `key` (the parts a list's cursor has);
 * anything else is answered with a 400 problem at `querystring.cursor`, whatever is wrong with it.
 */
export function decodeCursor<K extends z.ZodType<readonly string[]>>(cursor: string, key: K): z.infer<K> {
  try {
    const parsed = key.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: answered below, like any cursor this API did not make.
  }
  throw new ProblemError(
    400,
    problemCodes.validationFailed,
    'The cursor is not valid',
    'querystring.cursor',
    [{ path: 'querystring.cursor', message: 'not a cursor this API gave' }],
  );
}

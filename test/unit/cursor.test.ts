import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../../api/cursor.js';
import { ProblemError } from '../../api/problem.js';
import { problemCodes } from '../../schemas/error-codes.js';

const key = z.tuple([z.string().regex(/^-?\d{1,20}$/), z.uuid()]);
const id = '0b1e2c3d-4f5a-4b6c-8d7e-9f0a1b2c3d4e';

/** The problem a cursor is refused with. */
function refusal(cursor: string): ProblemError {
  try {
    decodeCursor(cursor, key);
  } catch (err) {
    if (err instanceof ProblemError) return err;
    throw err;
  }
  throw new Error(`${cursor} was taken`);
}

describe('the page cursor', () => {
  it('gives back the sort key it was made of', () => {
    const cursor = encodeCursor(['1795813740478369', id]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, key)).toEqual(['1795813740478369', id]);
  });

  it('refuses, as a 400 at querystring.cursor, anything this API did not make', () => {
    const notJson = Buffer.from('not json').toString('base64url');
    const otherShape = encodeCursor(['yesterday', id]);
    const tooShort = encodeCursor(['1795813740478369']);
    for (const cursor of ['', '%%%', notJson, otherShape, tooShort]) {
      expect(refusal(cursor), cursor).toMatchObject({
        status: 400,
        code: problemCodes.validationFailed,
        errors: [{ path: 'querystring.cursor', message: 'not a cursor this API gave' }],
      });
    }
  });
});

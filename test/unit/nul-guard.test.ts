import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { maxRequestDepth, refuseNulCharacters } from '../../api/nul-guard.js';
import { handleError } from '../../api/problem.js';

/** An app with only the guard and the error handler, echoing what passes. */
async function guarded() {
  const app = Fastify();
  app.setErrorHandler(handleError);
  refuseNulCharacters(app);
  app.post('/echo', async () => ({ ok: true }));
  await app.ready();
  return app;
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('the request guard', () => {
  it('names the first field holding a NUL character', async () => {
    const app = await guarded();
    const answer = await app.inject({
      method: 'POST',
      url: '/echo',
      payload: { a: 'fine', b: { c: ['x', 'y\u0000'] }, d: '\u0000' },
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'body.b.c.1', message: 'contains a NUL character' }],
    });
  });

  it(`lets ${maxRequestDepth} levels through and refuses one more, however deep the body goes`, async () => {
    const app = await guarded();
    const post = (payload: string) =>
      app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload });

    expect((await post(nested(maxRequestDepth))).statusCode).toBe(200);
    const deeper = await post(nested(maxRequestDepth + 1));
    expect(deeper.statusCode).toBe(400);
    expect(deeper.json<{ errors: Array<{ message: string }> }>().errors[0]?.message).toBe(
      `nested deeper than ${maxRequestDepth} levels`,
    );
    // Far past what a recursive walk survives: still a 400, not a stack overflow's 500.
    expect((await post(nested(200_000))).statusCode).toBe(400);
  });
});

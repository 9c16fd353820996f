import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { deprecationHeaders } from '../../api/deprecation.js';
import { openApiOptions } from '../../api/openapi.js';

/** An app with the API's document options, the deprecation hook, and one current and one deprecated route. */
async function appWithDeprecatedRoute() {
  const app = Fastify();
  await app.register(swagger, openApiOptions);
  deprecationHeaders(app);
  app.get(
    '/v1/old',
    {
      schema: { summary: 'old' },
      config: { deprecation: { since: '2026-12-01', sunset: '2027-06-01', successor: '/v2/new' } },
    },
    () => ({ ok: true }),
  );
  app.get('/v1/current', { schema: { summary: 'current' } }, () => ({ ok: true }));
  await app.ready();
  return app;
}

describe('a deprecated operation', () => {
  it('says so on every answer: Deprecation, Sunset and the successor', async () => {
    const app = await appWithDeprecatedRoute();
    const old = await app.inject({ method: 'GET', url: '/v1/old' });
    expect(old.statusCode).toBe(200);
    expect(old.json()).toEqual({ ok: true });
    expect(old.headers['deprecation']).toBe(`@${Date.UTC(2026, 11, 1) / 1000}`);
    expect(old.headers['sunset']).toBe('Tue, 01 Jun 2027 00:00:00 GMT');
    expect(old.headers['link']).toBe('</v2/new>; rel="successor-version"');
    const current = await app.inject({ method: 'GET', url: '/v1/current' });
    expect(current.headers['deprecation']).toBeUndefined();
    await app.close();
  });

  it('is marked deprecated in the document, as oasdiff expects before a removal', async () => {
    const app = await appWithDeprecatedRoute();
    const document = app.swagger() as { paths: Record<string, { get: { deprecated?: boolean } }> };
    expect(document.paths['/v1/old']?.get.deprecated).toBe(true);
    expect(document.paths['/v1/current']?.get.deprecated).toBeUndefined();
    await app.close();
  });
});

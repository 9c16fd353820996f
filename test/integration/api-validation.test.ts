import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCatalog } from '../../bundles/index.js';
import { newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

const post = (body: unknown, headers: Record<string, string> = { 'idempotency-key': randomUUID() }) =>
  stack.request<ProblemBody>('POST', '/v1/applications', body, headers);

function expectProblem(
  result: { status: number; contentType: string; body: ProblemBody },
  status: number,
  code: string,
) {
  expect(result.status).toBe(status);
  expect(result.contentType).toContain('application/problem+json');
  expect(result.body).toMatchObject({ status, code, title: expect.any(String), type: expect.any(String) });
}

describe('bad input gets a problem that says what is wrong', () => {
  it('names every missing field of the form', async () => {
    const request = newbornRequest();
    const form = { ...request.form, baby: { name: '王小明' } } as Record<string, unknown>;
    delete form.mother;
    const result = await post({ ...request, form });
    expectProblem(result, 400, 'VALIDATION_FAILED');
    const paths = result.body.errors?.map((e) => e.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['form.mother', 'form.baby.sex', 'form.baby.birthDate']));
  });

  it('names fields of the wrong type or format', async () => {
    const request = newbornRequest({
      form: { insuranceAddress: 42 },
      applicant: { idNumber: '330106199203150028' },
    });
    const result = await post(request);
    expectProblem(result, 400, 'VALIDATION_FAILED');
    expect(result.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'form.insuranceAddress', message: expect.any(String) },
        { path: 'applicant.idNumber', message: 'not a valid 18-character resident ID number' },
      ]),
    );
  });

  it('refuses unknown fields in the envelope and in the form', async () => {
    const envelope = await post({ ...newbornRequest(), extra: true });
    expectProblem(envelope, 400, 'VALIDATION_FAILED');
    const form = await post(newbornRequest({ form: { favouriteColour: 'red' } }));
    expectProblem(form, 400, 'VALIDATION_FAILED');
    expect(form.body.detail).toContain('favouriteColour');
  });

  it('answers an unknown bundle with 404', async () => {
    const result = await post({ ...newbornRequest(), bundleId: 'moon-landing' });
    expectProblem(result, 404, 'UNKNOWN_BUNDLE');
  });

  it('answers malformed JSON with 400', async () => {
    const result = await post('{"bundleId": "newborn", ', {
      'idempotency-key': randomUUID(),
      'content-type': 'application/json',
    });
    expectProblem(result, 400, 'MALFORMED_JSON');
  });

  it('answers another media type with 415', async () => {
    const response = await fetch(`${stack.apiUrl}/v1/applications`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        'idempotency-key': randomUUID(),
        authorization: `Bearer ${stack.keys.portal}`,
      },
      body: 'hello',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('requires an Idempotency-Key', async () => {
    const result = await post(newbornRequest(), {});
    expectProblem(result, 400, 'IDEMPOTENCY_KEY_REQUIRED');
  });

  it('answers an unknown or malformed application id and an unknown route with 404/400', async () => {
    expectProblem(
      await stack.request<ProblemBody>('GET', `/v1/applications/${randomUUID()}`),
      404,
      'APPLICATION_NOT_FOUND',
    );
    expectProblem(
      await stack.request<ProblemBody>('GET', '/v1/applications/not-a-uuid'),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(await stack.request<ProblemBody>('GET', '/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await stack.request<ProblemBody>('GET', '/v1/bundles/moon-landing'), 404, 'UNKNOWN_BUNDLE');
  });

  it('refuses a body over the size limit with 413', async () => {
    const result = await post(newbornRequest({ form: { mailingAddress: 'x'.repeat(300_000) } }));
    expectProblem(result, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('writes nothing for a refused request', async () => {
    const count = async () =>
      (await stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM applications')).rows[0]?.n;
    const before = await count();
    await post({ ...newbornRequest(), bundleId: 'moon-landing' });
    await post(newbornRequest({ form: { baby: {} } }));
    await post(newbornRequest(), {});
    expect(await count()).toBe(before);
  });
});

describe('the catalogue', () => {
  it('lists bundles and serves an example that POST /v1/applications accepts as it is', async () => {
    const list = await stack.request<{ bundles: Array<{ id: string; version: number }> }>(
      'GET',
      '/v1/bundles',
    );
    expect(list.status).toBe(200);
    expect(list.body.bundles).toContainEqual(expect.objectContaining({ id: 'newborn', version: 1 }));

    const detail = await stack.request<{
      example: unknown;
      form: { properties: Record<string, unknown> };
      steps: unknown[];
    }>('GET', '/v1/bundles/newborn');
    expect(detail.status).toBe(200);
    expect(Object.keys(detail.body.form.properties)).toEqual(
      expect.arrayContaining(['baby', 'mother', 'father']),
    );
    expect(detail.body.steps).toContainEqual(
      expect.objectContaining({
        id: 'householdRegistration',
        after: ['birthCertificate'],
        department: 'police',
      }),
    );
    const created = await post(detail.body.example);
    expect(created.status).toBe(201);
  });

  it('serves the API docs page', async () => {
    const page = await fetch(`${stack.apiUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('swagger');
  });

  it('serves OpenAPI docs that show the example request', async () => {
    const spec = await stack.request<{ paths: Record<string, unknown> }>('GET', '/docs/json');
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/v1/applications', '/v1/applications/{id}', '/v1/bundles/{id}']),
    );
    // One variant per bundle, each with its own schemas and example (a component of its own).
    const variants = JSON.stringify(spec.body.paths['/v1/applications']).match(/[A-Za-z]+ApplicationInput/g);
    expect(new Set(variants).size).toBe(bundleCatalog.size);
    const components = (spec.body as unknown as { components: { schemas: Record<string, unknown> } })
      .components.schemas;
    expect(JSON.stringify(components.NewbornApplicationInput)).toContain('330106199203150027');
  });

  it('answers a method a path does not have with 405 and Allow', async () => {
    const id = randomUUID();
    const put = await stack.request<ProblemBody>('PUT', `/v1/applications/${id}`, {});
    expectProblem(put, 405, 'METHOD_NOT_ALLOWED');
    const query = await fetch(`${stack.apiUrl}/v1/bundles`, { method: 'DELETE' });
    expect(query.status).toBe(405);
    expect(query.headers.get('allow')).toBe('GET, HEAD');
    expectProblem(await stack.request<ProblemBody>('GET', '/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND');
  });
});

describe('text a database cannot hold', () => {
  it('refuses a NUL character anywhere in the request with a 400 naming the field', async () => {
    const body = newbornRequest({ form: { mailingAddress: 'a\u0000b' } });
    const posted = await post(body);
    expectProblem(posted, 400, 'VALIDATION_FAILED');
    expect(posted.body.errors).toEqual([
      { path: 'body.form.mailingAddress', message: 'contains a NUL character' },
    ]);
    const listed = await stack.request<ProblemBody>(
      'GET',
      '/v1/ops/applications?department=%00',
      undefined,
      {},
      'operator',
    );
    expectProblem(listed, 400, 'VALIDATION_FAILED');
  });
});

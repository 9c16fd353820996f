import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { bundleCatalog } from '../../bundles/index.js';
import { maskIdNumber } from '../../privacy/mask.js';
import { applicantHash } from '../../privacy/lookup-hash.js';
import type { ApplicationSummary } from '../../schemas/portal.js';
import { eventually } from '../support/eventually.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestRole, TestStack } from '../support/stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const mother = '330106199203150027';
const father = '330106199007080033';
const asFather = { applicant: { name: '王强', idNumber: father, phone: '13800138001', relation: 'father' } };

interface ListBody {
  applications: ApplicationSummary[];
  nextCursor: string | null;
  code?: string;
  errors?: Array<{ path: string; message: string }>;
}

const list = (query = '', headers: Record<string, string> = {}, as: TestRole = 'portal') =>
  stack.request<ListBody>('GET', `/v1/applications${query}`, undefined, headers, as);

/** Every page of a query, following `nextCursor`. */
async function allPages(query: string, headers: Record<string, string> = {}): Promise<ApplicationSummary[]> {
  const seen: ApplicationSummary[] = [];
  let cursor: string | null = null;
  do {
    const sep = query ? '&' : '?';
    const page = await list(`${query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`, headers);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    seen.push(...page.body.applications);
    cursor = page.body.nextCursor;
  } while (cursor);
  return seen;
}

const ids = (apps: ApplicationSummary[]) => apps.map((a) => a.id);

// Filled in order of submission.
const mine: Record<'motherNewborn' | 'fatherNewborn' | 'retirement' | 'motherNewborn2', string> = {
  motherNewborn: '',
  fatherNewborn: '',
  retirement: '',
  motherNewborn2: '',
};
let othersMother = '';

describe('GET /v1/applications (my applications)', () => {
  beforeAll(async () => {
    const submit = async (body: unknown, as: TestRole = 'portal') => {
      const result = await stack.submit(body, undefined, as);
      expect(result.status, JSON.stringify(result.body)).toBe(201);
      return result.body.id;
    };
    mine.motherNewborn = await submit(newbornRequest());
    othersMother = await submit(newbornRequest(), 'otherPortal');
    mine.fatherNewborn = await submit(newbornRequest(asFather));
    mine.retirement = await submit(bundleCatalog.get('retirement')?.example);
    mine.motherNewborn2 = await submit(newbornRequest());
    for (const id of Object.values(mine)) await stack.waitForApplication(id, ended, 60_000);
    await eventually("the other portal's application ended", async () => {
      const view = await stack.request<{ status: string }>(
        'GET',
        `/v1/applications/${othersMother}`,
        undefined,
        {},
        'otherPortal',
      );
      return ended(view.body) ? true : undefined;
    });
  });

  it("lists the portal's own applications only, newest first, and another portal's only to it", async () => {
    const page = await list();
    expect(page.status).toBe(200);
    expect(ids(page.body.applications)).toEqual([
      mine.motherNewborn2,
      mine.retirement,
      mine.fatherNewborn,
      mine.motherNewborn,
    ]);
    expect(page.body.applications[0]).toMatchObject({
      bundleId: 'newborn',
      title: { zh: expect.any(String), en: expect.any(String) },
      status: expect.any(String),
      createdAt: expect.any(String),
    });
    const other = await list('', {}, 'otherPortal');
    expect(ids(other.body.applications)).toEqual([othersMother]);
  });

  it('filters by applicant through the X-Applicant-Id header, within the portal', async () => {
    const ofMother = await list('', { 'x-applicant-id': mother });
    expect(ids(ofMother.body.applications)).toEqual([mine.motherNewborn2, mine.motherNewborn]);
    // Spaces around are the same number; another portal's applications of the mother are its own.
    const ofFather = await list('', { 'x-applicant-id': ` ${father} ` });
    expect(ids(ofFather.body.applications)).toEqual([mine.fatherNewborn]);
    const othersOfMother = await list('', { 'x-applicant-id': mother }, 'otherPortal');
    expect(ids(othersOfMother.body.applications)).toEqual([othersMother]);
    expect(page(await list('', { 'x-applicant-id': '11010519491231002X' }))).toEqual([]);
  });

  it('filters by bundle, status and created range, and combines filters', async () => {
    expect(ids((await list('?bundle=retirement')).body.applications)).toEqual([mine.retirement]);
    const views = await Promise.all(Object.values(mine).map((id) => stack.getApplication(id)));
    const completed = views.filter((v) => v.status === 'completed').map((v) => v.id);
    expect(completed.length).toBeGreaterThan(0);
    const byStatus = await list('?status=completed,failed');
    expect(new Set(ids(byStatus.body.applications))).toEqual(
      new Set(views.filter((v) => ['completed', 'failed'].includes(v.status)).map((v) => v.id)),
    );

    const created = Object.fromEntries(views.map((v) => [v.id, v.createdAt]));
    const from = created[mine.fatherNewborn] ?? '';
    const to = created[mine.motherNewborn2] ?? '';
    const ranged = await list(`?createdFrom=${encodeURIComponent(from)}&createdTo=${encodeURIComponent(to)}`);
    expect(ids(ranged.body.applications)).toEqual([mine.retirement, mine.fatherNewborn]);
    const combined = await list(`?bundle=newborn&createdFrom=${encodeURIComponent(from)}`, {
      'x-applicant-id': mother,
    });
    expect(ids(combined.body.applications)).toEqual([mine.motherNewborn2]);
  });

  it("answers so that no cache keeps one applicant's list for another", async () => {
    const response = await fetch(`${stack.apiUrl}/v1/applications`, {
      headers: { authorization: `Bearer ${stack.keys.portal}`, 'x-applicant-id': mother },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('vary')?.toLowerCase()).toContain('x-applicant-id');
  });

  it('pages with nextCursor: every application once, in order', async () => {
    const first = await list('?limit=1');
    expect(first.body.applications).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const walked = await allPages('?limit=1');
    expect(ids(walked)).toEqual(ids((await list()).body.applications));
    const ofMother = await allPages('?limit=1', { 'x-applicant-id': mother });
    expect(ids(ofMother)).toEqual([mine.motherNewborn2, mine.motherNewborn]);
  });

  it.each([
    ['?status=lost', 'querystring.status'],
    ['?bundle=no-such-bundle', 'querystring.bundle'],
    ['?createdFrom=yesterday', 'querystring.createdFrom'],
    ['?createdFrom=2026-12-02T00:00:00Z&createdTo=2026-12-01T00:00:00Z', 'querystring.createdTo'],
    ['?limit=0', 'querystring.limit'],
    ['?cursor=bm90LWEtY3Vyc29y', 'querystring.cursor'],
    [`?idNumber=${mother}`, 'querystring'],
  ])('answers %s with a 400 problem naming %s', async (query, path) => {
    const answer = await list(query);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(answer.body.errors?.map((e) => e.path).join(' ')).toContain(path);
  });

  it('answers a malformed X-Applicant-Id with a 400 that does not repeat it', async () => {
    const wrong = `${mother.slice(0, 17)}9`;
    const answer = await list('', { 'x-applicant-id': wrong });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('VALIDATION_FAILED');
    expect(answer.body.errors?.[0]?.path).toBe('headers.x-applicant-id');
    expect(JSON.stringify(answer.body)).not.toContain(wrong.slice(6, 14));
  });

  it('keeps the ID number out of the request log: not in clear, not masked, not hashed', async () => {
    const logFile = join(inject('logDir'), `test-${process.pid}.log`);
    const start = (await stat(logFile)).size;
    expect((await list('', { 'x-applicant-id': mother })).status).toBe(200);
    expect((await list('?limit=1', { 'x-applicant-id': father })).status).toBe(200);
    expect((await list('', { 'x-applicant-id': `${mother.slice(0, 17)}9` })).status).toBe(400);
    const written = (await readFile(logFile)).subarray(start).toString('utf8');
    // The request log did record these requests: the scan below looks at them.
    expect(written).toContain('/v1/applications');
    for (const id of [mother, father]) {
      expect(written).not.toContain(id);
      expect(written).not.toContain(maskIdNumber(id));
      expect(written).not.toContain(applicantHash(stack.keyring, id).split(':')[1]);
    }
    expect(written).not.toContain(mother.slice(0, 14));
  });
});

const page = (answer: { body: ListBody }) => ids(answer.body.applications);

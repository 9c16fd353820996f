import { get } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
import { launchChromium } from '../support/browser.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

let stack: TestStack;
let browser: Browser;
beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});
afterEach(async () => {
  await stack.simulator.setBehaviour('police', 'birth-registration', {});
  // Leave police open for the next test, whatever this one did (a 409 when it is open already).
  await stack.request(
    'POST',
    '/v1/ops/departments/police/resume',
    { reason: 'test cleanup' },
    {},
    'operator',
  );
});

const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
const pausedAtPolice = (view: ApplicationView) => police(view)?.waiting?.reason === 'department-paused';
// Markup in data must reach the page as text.
const reason = '公安系统已恢复 / <b>police</b> system back';
const outageReason = '公安人口系统停机 / <b>police</b> system down';
// Long enough for a retried police call and the steps after it on two busy cores.
const completionTimeoutMs = 45_000;

/**
 * A page in a fresh browser context (no cookie), with what would show the console broken: script
 * errors and anything the Content-Security-Policy blocks.
 */
async function openConsole(path = '') {
  // The labels below are the English ones: an English browser, as Playwright's default is.
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/.test(message.text()))
      problems.push(message.text());
  });
  await page.goto(`${stack.apiUrl}/console${path}`);
  return { page, problems };
}

/** A GET whose path reaches the server exactly as given. */
function rawGet(path: string): Promise<{ status: number; contentType: string }> {
  return new Promise((resolve, reject) => {
    const request = get(`${stack.apiUrl}/`, { path }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'] ?? '' });
    });
    request.on('error', reject);
  });
}

async function signIn(page: Page, apiKey: string) {
  await page.getByLabel('API key').fill(apiKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the console files', () => {
  it('are served with a strict Content-Security-Policy, and nothing else is', async () => {
    const index = await fetch(`${stack.apiUrl}/console`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
    );
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('<meta charset="utf-8" />');

    const script = await fetch(`${stack.apiUrl}/console/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${stack.apiUrl}/console/console.css`)).headers.get('content-type')).toBe(
      'text/css; charset=utf-8',
    );

    // Sent as written: fetch would resolve the dot segments before the API saw them.
    for (const path of [
      '/console/nope.js',
      '/console/types.d.ts',
      '/console/../package.json',
      '/console/..%2fpackage.json',
      '/console/%2e%2e/package.json',
    ]) {
      const refused = await rawGet(path);
      expect(refused.status, path).toBe(404);
      expect(refused.contentType, path).toContain('application/problem+json');
    }
  });
});

describe('signing in', () => {
  it('shows the sign-in page without a session, and says why a key is refused', async () => {
    const { page, problems } = await openConsole('#/stuck');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('link', { name: 'Stuck applications' }).isVisible()).toBe(false);

    await signIn(page, 'not-a-key');
    const error = page.getByRole('alert');
    await error.waitFor();
    expect(await error.textContent()).toContain('The API key is not valid or was revoked');

    await signIn(page, stack.keys.portal);
    await page.getByRole('alert').filter({ hasText: 'Not allowed for this role' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows an admin the audit log only: no link to, and no way into, the operator pages', async () => {
    const { page, problems } = await openConsole('#/stuck');
    await signIn(page, stack.keys.admin);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    const nav = page.getByRole('navigation');
    expect(await nav.getByRole('link', { name: 'Audit log' }).isVisible()).toBe(true);
    for (const name of ['Stuck applications', 'Departments', 'Bulk actions'])
      expect(await nav.getByRole('link', { name }).isVisible(), name).toBe(false);
    // An operator page's address typed in leads back to the audit log.
    await page.goto(`${stack.apiUrl}/console#/departments`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Departments' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('an operator repairs a stuck application', () => {
  it('finds it in the stuck list, sees its timeline, retries it and sees it complete', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 1000 });
    const submitted = await stack.submit(newbornRequest());
    const id = submitted.body.id;
    const stuck = await stack.waitForApplication(id, (v) => (police(v)?.attempts ?? 0) >= 2);

    const { page, problems } = await openConsole();
    await signIn(page, stack.keys.operator);
    await page.getByRole('heading', { name: 'Stuck applications' }).waitFor();

    // Filters reach the API: another department's stuck list does not have it.
    await page.getByLabel('Department call retrying').check();
    await page.getByLabel('Bundle').selectOption('newborn');
    await page.getByLabel('Department', { exact: true }).fill('health');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No stuck application matches.').waitFor();
    expect(page.url()).toContain('department=health');

    await page.getByLabel('Department', { exact: true }).fill('police');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.locator(`tr[data-application-id="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toMatch(/Department call retrying: .*police call has been retried/);

    await row.getByRole('link', { name: id }).click();
    await page.getByRole('heading', { name: `Application ${id}` }).waitFor();

    // The timeline: a row per step, the police step running, the steps after it not started.
    const chart = page.getByTestId('timeline-chart');
    await chart.waitFor();
    expect(await chart.locator('.step-row').count()).toBe(stuck.steps.length);
    const policeRow = chart.locator('.step-row[data-step-id="householdRegistration"]');
    expect(await policeRow.getAttribute('data-status')).toBe('running');
    expect(await policeRow.locator('rect.bar.status-running').count()).toBeGreaterThan(0);
    expect(await policeRow.textContent()).toContain('出生登记');
    const card = chart.locator('.step-row[data-step-id="socialSecurityCard"]');
    expect(await card.locator('rect.bar.not-started').count()).toBe(1);
    expect(await page.getByTestId('pending-calls').textContent()).toContain('householdRegistration');
    // What the departments received, masked: never an ID number in clear on the page.
    expect(await page.getByTestId('steps').textContent()).toContain('330106********0027');
    expect(await page.content()).not.toContain('330106199203150027');

    // A repair needs a reason; a refusal is shown with the API's title and detail.
    const panel = page.locator('.repair[data-step-id="householdRegistration"]');
    const retry = panel.getByRole('button', { name: 'Retry now' });
    const skip = panel.getByRole('button', { name: 'Skip with outputs' });
    expect(await retry.isDisabled()).toBe(true);
    expect(await skip.isDisabled()).toBe(true);
    const withdraw = page.locator('.repair[data-application]').getByRole('button', { name: 'Withdraw' });
    expect(await withdraw.isDisabled()).toBe(true);
    await panel.getByLabel('Reason').fill('checking the outputs rule');
    await panel.getByLabel('Outputs, for a skip (JSON)').fill('{"citizenIdNumber": "123"}');
    await skip.click();
    const refusal = page.getByTestId('notice').filter({ hasText: 'The outputs are not what police' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('outputs.citizenIdNumber: not a valid');
    expect(await refusal.getAttribute('role')).toBe('alert');

    // Healed only once the retry is sent: healed before, the police call may complete on its own
    // first, and the retry is then refused as the step is no longer in progress.
    await panel.getByLabel('Reason').fill(reason);
    await retry.click();
    await page.getByTestId('notice').filter({ hasText: 'Retry sent' }).waitFor();
    await stack.simulator.setBehaviour('police', 'birth-registration', {});

    // The page refreshes itself until the application ends.
    await page
      .getByTestId('application-status')
      .filter({ hasText: 'completed' })
      .waitFor({ timeout: completionTimeoutMs });
    expect(await policeRow.getAttribute('data-status')).toBe('completed');
    expect(await page.getByTestId('repairs').textContent()).toContain('nothing to repair');

    await page.getByRole('link', { name: 'Audit log of this application' }).click();
    const entry = page.getByTestId('audit-log').locator('tr[data-action="step.retry"]');
    await entry.waitFor();
    expect(await entry.textContent()).toContain(reason);
    expect(await entry.locator('b').count()).toBe(0);
    expect(await entry.textContent()).toContain('ok');
    expect(await page.getByTestId('audit-log').locator('tr[data-action="step.skip"]').count()).toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('an operator pauses a department for an outage', () => {
  it('pauses police from the Departments page, sees the application wait, resumes it and sees it complete', async () => {
    const { page, problems } = await openConsole();
    await signIn(page, stack.keys.operator);
    await page.getByRole('heading', { name: 'Stuck applications' }).waitFor();
    await page.getByRole('link', { name: 'Departments' }).click();
    await page.getByRole('heading', { name: 'Departments' }).waitFor();

    const open = page.locator('tr[data-department="police"][data-state="open"]');
    await open.waitFor();
    const pause = open.getByRole('button', { name: 'Pause' });
    expect(await pause.isDisabled()).toBe(true);
    await open.getByLabel('Reason').fill(outageReason);
    await pause.click();
    await page.getByTestId('notice').filter({ hasText: 'police paused' }).waitFor();
    const paused = page.locator('tr[data-department="police"][data-state="paused"]');
    await paused.waitFor();
    expect(await paused.textContent()).toContain(outageReason);
    expect(await paused.textContent()).toMatch(/since .+by \S+ operator/);
    expect(await paused.locator('b').count()).toBe(0);

    const id = (await stack.submit(newbornRequest())).body.id;
    await stack.waitForApplication(id, pausedAtPolice);
    await page.getByRole('link', { name: 'Stuck applications' }).click();
    await page.getByLabel('Department paused for an outage').check();
    await page.getByLabel('Department', { exact: true }).fill('police');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const row = page.locator(`tr[data-application-id="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('paused: police outage');

    await page.getByRole('link', { name: 'Departments' }).click();
    await paused.waitFor();
    await expect.poll(() => paused.getByTestId('waiting-steps').textContent(), { timeout: 15_000 }).toBe('1');
    // A refusal is shown with the API's title and detail; the reason typed stays.
    const rate = paused.getByLabel('Rate (calls per second)');
    expect(await rate.inputValue()).toBe('10');
    await paused.getByLabel('Reason').fill('公安系统已恢复 / police back');
    await rate.fill('0');
    await paused.getByRole('button', { name: 'Resume' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'ratePerSecond' });
    await refusal.waitFor();
    expect(await refusal.getAttribute('data-testid')).toBe('notice');
    await rate.fill('10');
    await paused.getByRole('button', { name: 'Resume' }).click();
    await page.getByTestId('notice').filter({ hasText: 'police resumed' }).waitFor();
    await open.waitFor();

    await page.goto(`${stack.apiUrl}/console#/applications/${id}`);
    await page
      .getByTestId('application-status')
      .filter({ hasText: 'completed' })
      .waitFor({ timeout: completionTimeoutMs });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('an operator retries every matching application at once', () => {
  it('starts "Retry all matching" from the filtered stuck list and follows the job to its end', async () => {
    await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 100_000 });
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) ids.push((await stack.submit(newbornRequest())).body.id);
    for (const id of ids) await stack.waitForApplication(id, (v) => (police(v)?.attempts ?? 0) >= 2);

    const { page, problems } = await openConsole();
    await signIn(page, stack.keys.operator);
    await page.getByRole('heading', { name: 'Stuck applications' }).waitFor();
    const applyFilters = async (department: string) => {
      await page.getByLabel('Department', { exact: true }).fill(department);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page
        .getByTestId('bulk-filter')
        .filter({ hasText: `department ${department}` })
        .waitFor();
    };
    await page.getByLabel('Department call retrying').check();
    const panel = page.getByTestId('bulk-start');
    const retryAll = panel.getByRole('button', { name: 'Retry all matching' });

    // Nothing matches at health: the API says so and no job starts.
    await applyFilters('health');
    await panel.getByLabel('Reason').fill(reason);
    await retryAll.click();
    await panel.getByRole('alert').filter({ hasText: 'The filter matches no step in progress' }).waitFor();

    await applyFilters('police');
    for (const id of ids) await page.locator(`tr[data-application-id="${id}"]`).waitFor();
    expect(await panel.getByTestId('bulk-filter').textContent()).toBe(
      'why stuck: Department call retrying; department police',
    );
    expect(await retryAll.isDisabled()).toBe(true);
    await panel.getByLabel('Reason').fill(reason);
    await panel.getByLabel('Rate (repairs per second)').fill('2');
    await retryAll.click();
    await page.getByRole('heading', { name: /^Bulk action / }).waitFor();
    const jobId = /#\/bulk\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    expect(jobId).toBeDefined();

    // The page refreshes itself until the job ends. Each retry is a new call, made while police
    // still fails; healed afterwards, the applications complete.
    await page.getByTestId('bulk-state').filter({ hasText: 'completed' }).waitFor({ timeout: 30_000 });
    await stack.simulator.setBehaviour('police', 'birth-registration', {});
    const count = (name: string) => page.locator(`[data-count="${name}"] strong`).textContent();
    expect(await count('total')).toBe('2');
    expect(await count('done')).toBe('2');
    expect(await count('refused')).toBe('0');
    expect(await count('failed')).toBe('0');
    expect(await count('pending')).toBe('0');
    expect(await page.getByTestId('bulk-progress').getAttribute('aria-label')).toContain(
      '2 of 2 worked through: 2 done',
    );
    expect(await page.getByTestId('bulk-cancel').count()).toBe(0);
    const summary = await page.locator('.facts').textContent();
    expect(summary).toContain(reason);
    expect(summary).toContain('at most 2 a second');
    const items = page.getByTestId('bulk-items');
    for (const id of ids)
      expect(await items.locator(`tr[data-application-id="${id}"]`).getAttribute('data-state')).toBe('done');

    await page.getByRole('link', { name: 'Bulk actions' }).first().click();
    await page.locator(`tr[data-bulk-id="${jobId}"][data-state="completed"]`).waitFor();

    await page.goto(`${stack.apiUrl}/console#/bulk/${jobId}`);
    await items.locator(`tr[data-application-id="${ids[0]}"]`).getByRole('link').click();
    await page
      .getByTestId('application-status')
      .filter({ hasText: 'completed' })
      .waitFor({ timeout: completionTimeoutMs });
    const other = await stack.waitForApplication(ids[1] ?? '', ended);
    expect(other.status).toBe('completed');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApplicationView } from '../../schemas/api.js';
import { seriousViolations } from '../support/axe.js';
import { launchChromium } from '../support/browser.js';
import { newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';
import { beijingEn, beijingZh } from '../support/beijing-clock.js';

// The console as the people who use it meet it: a Chinese browser on a 1280×720 screen, every
// page checked by axe-core, times in Beijing time, and the keyboard alone enough to act.
let stack: TestStack;
let browser: Browser;
let stuckId: string;
let bulkId: string;
beforeAll(async () => {
  stack = await startTestStack();
  browser = await launchChromium();
  await stack.simulator.setBehaviour('police', 'birth-registration', { failNext: 100_000 });
  stuckId = (await stack.submit(newbornRequest())).body.id;
  await stack.waitForApplication(stuckId, (v) => (police(v)?.attempts ?? 0) >= 2);
  // A paused department shows since when; a bulk action shows when it started.
  const paused = await stack.request(
    'POST',
    '/v1/ops/departments/bank/pause',
    { reason: '银行系统维护' },
    {},
    'operator',
  );
  expect(paused.status).toBe(200);
  const bulk = await stack.request<{ id: string }>(
    'POST',
    '/v1/ops/bulk-actions',
    { action: 'retry', reason: '公安系统恢复', filter: { department: 'police' }, ratePerSecond: 5 },
    {},
    'operator',
  );
  expect(bulk.status).toBe(202);
  bulkId = bulk.body.id;
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const police = (view: ApplicationView) => view.steps.find((s) => s.id === 'householdRegistration');
const screen = { width: 1280, height: 720 };

async function newPage(locale: string): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  // The browser's own zone is UTC: a time shown on the browser's clock would be 8 hours off.
  const context = await browser.newContext({ locale, viewport: screen, timezoneId: 'UTC' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(`${stack.apiUrl}/console`);
  return { context, page, problems };
}

/** What every page must be: no serious accessibility fault, and nothing wider than the screen. */
async function expectUsable(page: Page, name: string) {
  expect(await seriousViolations(page), name).toEqual([]);
  const width = await inPage<number>(page, 'document.scrollingElement.scrollWidth');
  expect(width, `${name}: page width`).toBeLessThanOrEqual(screen.width);
}

/** The page shows `iso` on a Beijing clock, in the language's words, and says its times are Beijing time. */
async function expectBeijingTime(page: Page, iso: string, language: 'zh' | 'en') {
  const shown = page.locator(`main time[datetime="${iso}"]`).first();
  await shown.waitFor();
  expect(await shown.textContent()).toBe(language === 'zh' ? beijingZh(iso) : beijingEn(iso));
  expect(await page.getByTestId('time-note').textContent()).toBe(
    language === 'zh' ? '本页时间均为北京时间。' : 'Times on this page are Beijing time.',
  );
}

const nav = (page: Page) => page.getByRole('navigation');
/** A value read in the page (an expression, as the tests' types have no DOM). */
const inPage = async <T>(page: Page, expression: string) => (await page.evaluate(expression)) as T;

async function signInByForm(page: Page, key: string) {
  await page.getByLabel('API 密钥').fill(key);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}

/** Presses Tab until `isTarget` holds for the focused element; at most `limit` presses. */
async function tabTo(page: Page, isTarget: string, limit = 120) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if (await inPage<boolean>(page, isTarget)) return;
  }
  throw new Error(`Tab never reached ${isTarget}`);
}

type OpsRow = { id: string; since: string };
const opsGet = async <T>(path: string) =>
  (await stack.request<T>('GET', path, undefined, {}, 'operator')).body;

describe('the console in Chinese at 1280×720', () => {
  it('shows every page in Chinese with Beijing times and no serious accessibility fault; the switch changes to English, kept on reload', async () => {
    const { page, problems } = await newPage('zh-CN');
    expect(await inPage<string>(page, 'document.documentElement.lang')).toBe('zh-CN');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await expectUsable(page, 'sign-in');
    expect(await page.getByRole('button', { name: 'English' }).isVisible()).toBe(true);

    await signInByForm(page, stack.keys.operator);
    await page.getByRole('heading', { name: '卡住的办件' }).waitFor();
    expect(await nav(page).getByRole('link', { name: '卡住的办件' }).isVisible()).toBe(true);
    const row = page.locator(`tr[data-application-id="${stuckId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('部门调用重试中');
    const listed = (await opsGet<{ applications: OpsRow[] }>('/v1/ops/applications?department=police'))
      .applications;
    const since = listed.find((a) => a.id === stuckId)?.since ?? '';
    await expectBeijingTime(page, since, 'zh');
    await expectUsable(page, 'stuck list');

    await row.getByRole('link', { name: stuckId }).click();
    await page.getByRole('heading', { name: `办件 ${stuckId}` }).waitFor();
    await page.getByTestId('timeline-chart').waitFor();
    const view = await opsGet<{ application: ApplicationView }>(`/v1/ops/applications/${stuckId}`);
    await expectBeijingTime(page, view.application.createdAt, 'zh');
    // The promised limit is spelled out in working days beside the due time.
    expect(await page.locator('.facts').textContent()).toContain(
      `承诺时限 ${view.application.promisedWorkingDays}个工作日`,
    );
    expect(await page.getByRole('button', { name: '立即重试' }).count()).toBe(1);
    // Titles in the chosen language first.
    const policeTitle = police(view.application)?.title;
    const titleShown = page.locator('.step-row[data-step-id="householdRegistration"] .step-title');
    expect(await titleShown.textContent()).toBe(policeTitle?.zh);
    expect(await page.getByTestId('steps').textContent()).toContain(
      `${policeTitle?.zh} · ${policeTitle?.en}`,
    );
    await expectUsable(page, 'application');

    // Fetched before the page: newer entries may come, this one stays on its first page.
    const audit = await opsGet<{ entries: Array<{ at: string }> }>('/v1/ops/audit');
    await nav(page).getByRole('link', { name: '审计日志' }).click();
    await page.getByRole('heading', { name: '审计日志' }).waitFor();
    await expectBeijingTime(page, audit.entries[0]?.at ?? '', 'zh');
    await expectUsable(page, 'audit log');

    await nav(page).getByRole('link', { name: '部门' }).click();
    await page.getByRole('heading', { name: '部门' }).waitFor();
    const departments = await opsGet<{
      departments: Array<{ id: string; paused: { pausedAt: string } | null }>;
    }>('/v1/ops/departments');
    const pausedAt = departments.departments.find((d) => d.id === 'bank')?.paused?.pausedAt ?? '';
    await expectBeijingTime(page, pausedAt, 'zh');
    expect(await page.locator('tr[data-department="bank"]').textContent()).toContain('已暂停');
    await expectUsable(page, 'departments');

    await nav(page).getByRole('link', { name: '批量操作' }).click();
    await page.getByRole('heading', { name: '批量操作' }).waitFor();
    const job = await opsGet<{ startedAt: string }>(`/v1/ops/bulk-actions/${bulkId}`);
    await expectBeijingTime(page, job.startedAt, 'zh');
    await expectUsable(page, 'bulk list');

    await page.locator(`tr[data-bulk-id="${bulkId}"]`).getByRole('link', { name: bulkId }).click();
    await page.getByRole('heading', { name: `批量操作 ${bulkId}` }).waitFor();
    await expectBeijingTime(page, job.startedAt, 'zh');
    await page.getByTestId('bulk-progress').waitFor();
    await expectUsable(page, 'bulk job');

    // The switch by keyboard: Tab to it, Enter; the page is drawn again in English.
    await tabTo(page, `document.activeElement?.id === 'language'`);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Bulk action ${bulkId}` }).waitFor();
    expect(await nav(page).getByRole('link', { name: 'Bulk actions' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: '中文' }).isVisible()).toBe(true);
    expect(await inPage<string>(page, 'document.documentElement.lang')).toBe('en');
    await expectBeijingTime(page, job.startedAt, 'en');
    await expectUsable(page, 'bulk job in English');

    await page.reload();
    await page.getByRole('heading', { name: `Bulk action ${bulkId}` }).waitFor();
    expect(await nav(page).getByRole('link', { name: 'Stuck applications' }).isVisible()).toBe(true);

    // English words are longer: every page still fits the screen and passes axe.
    for (const [link, heading] of [
      ['Stuck applications', 'Stuck applications'],
      ['Departments', 'Departments'],
      ['Bulk actions', 'Bulk actions'],
      ['Audit log', 'Audit log'],
    ] as const) {
      await nav(page).getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.getByTestId('time-note').waitFor();
      await expectUsable(page, `${heading} in English`);
    }
    await expectBeijingTime(page, audit.entries[0]?.at ?? '', 'en');
    await page.goto(`${stack.apiUrl}/console#/applications/${stuckId}`);
    await page.getByTestId('timeline-chart').waitFor();
    await expectBeijingTime(page, view.application.createdAt, 'en');
    expect(await page.locator('.facts').textContent()).toContain(
      `promised limit ${view.application.promisedWorkingDays} working days`,
    );
    await expectUsable(page, 'application in English');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("shows an admin's audit log in Chinese, usable at the same size", async () => {
    const { page, problems } = await newPage('zh-CN');
    const audit = await opsGet<{ entries: Array<{ at: string }> }>('/v1/ops/audit');
    await signInByForm(page, stack.keys.admin);
    await page.getByRole('heading', { name: '审计日志' }).waitFor();
    expect(await nav(page).getByRole('link', { name: '审计日志' }).isVisible()).toBe(true);
    expect(await nav(page).getByRole('link', { name: '卡住的办件' }).isVisible()).toBe(false);
    await expectBeijingTime(page, audit.entries[0]?.at ?? '', 'zh');
    await expectUsable(page, 'admin audit log');

    // The filter's times are entered in Beijing time too, whatever the browser's zone.
    await page.getByLabel('起（北京时间）').fill('2026-01-02T08:00:30');
    await page.getByRole('button', { name: '应用筛选' }).click();
    await page.waitForURL(/from=2026-01-02T00%3A00%3A30\.000Z/);
    expect(await page.getByLabel('起（北京时间）').inputValue()).toBe('2026-01-02T08:00:30');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('the keyboard alone', () => {
  it('signs in with an API key, skips to the content, reaches a stuck application and retries it', async () => {
    const { page, problems } = await newPage('zh-CN');
    // The key field has the focus when the sign-in page opens.
    await page.getByRole('heading', { name: '登录' }).waitFor();
    expect(await inPage<string>(page, 'document.activeElement.id')).toBe('api-key');
    await page.keyboard.type(stack.keys.operator);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '卡住的办件' }).waitFor();
    await page.locator(`tr[data-application-id="${stuckId}"]`).waitFor();

    // Opened afresh, the first Tab stop is the skip link; Enter takes the focus to the content.
    await page.reload();
    await page.getByRole('heading', { name: '卡住的办件' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await inPage<string>(page, 'document.activeElement.textContent')).toBe('跳到正文');
    await page.keyboard.press('Enter');
    expect(await inPage<string>(page, 'document.activeElement.id')).toBe('main');

    await tabTo(page, `document.activeElement?.getAttribute('href') === '#/applications/${stuckId}'`);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `办件 ${stuckId}` }).waitFor();

    const panel = '.repair[data-step-id="householdRegistration"]';
    await page.locator(panel).waitFor();
    await tabTo(page, `document.activeElement?.matches('${panel} textarea[name="reason"]') === true`);
    await page.keyboard.type('键盘操作重试 / retried by keyboard');
    await tabTo(page, `document.activeElement?.matches('${panel} button[data-action="retry"]') === true`, 5);
    await page.keyboard.press('Enter');
    const notice = page.getByTestId('notice').filter({ hasText: '已发送重试' });
    await notice.waitFor();
    expect(await notice.getAttribute('role')).toBe('status');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

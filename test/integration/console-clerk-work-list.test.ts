import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTask, insertTask } from '../../db/work-list.js';
import type { NewTask } from '../../db/work-list.js';
import type { RunningDevProvider } from '../../identity/dev-provider.js';
import { seriousViolations } from '../support/axe.js';
import { launchChromium } from '../support/browser.js';
import { newbornRequest } from '../support/newborn.js';
import type { TestStack } from '../support/stack.js';
import { startStackWithPeople } from '../support/oidc-stack.js';

// Clerks sign in as people through a real OpenID provider started here, and work their
// department's list in Chromium. Birth certificates are decided by health clerks in the work
// list, so a newborn application opens a health task through the workflow.
let stack: TestStack;
let provider: RunningDevProvider;
let browser: Browser;
let applicationId: string;
beforeAll(async () => {
  ({ stack, provider } = await startStackWithPeople(
    [
      { login: 'he.ping', name: '何平 He Ping', role: 'clerk', department: 'health' },
      { login: 'chen.jing', name: '陈静 Chen Jing', role: 'clerk', department: 'police' },
      { login: 'sun.li', name: '孙丽 Sun Li', role: 'clerk', department: 'health', supervisor: true },
    ],
    {
      stepDeciders: new Map([['newborn.birthCertificate', 'worklist']]),
    },
  ));
  applicationId = (await stack.submit(newbornRequest())).body.id;
  await stack.waitForOpenTask(applicationId, 'healthClerk');
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await provider?.close();
});

const dayMs = 86_400_000;

/** A task opened as the workflow's activity would, due when the test needs it. */
async function openTask(overrides: Partial<NewTask>) {
  const { row } = await insertTask(stack.pool, {
    id: randomUUID(),
    applicationId,
    stepId: `step-${randomUUID().slice(0, 8)}`,
    round: 1,
    department: 'health',
    service: 'birth-certificate',
    kind: 'review',
    input: {},
    dueAt: new Date(Date.now() + 3 * dayMs),
    ...overrides,
  });
  return row;
}

/**
 * A Chinese browser at 1280×720 whose own clock is New York's (so only Beijing time on the page
 * can be Beijing time), signed in as `login` through the provider's own sign-in page.
 */
async function signedInPage(login: string, offline = false): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 720 },
    locale: 'zh-CN',
    timezoneId: 'America/New_York',
  });
  const page = await context.newPage();
  // The live view cut off, as by a proxy: the list must still work, and say it is not live.
  if (offline) await page.route('**/v1/tasks/events**', (route) => route.abort());
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${stack.apiUrl}/console/`);
  await page.getByTestId('oidc-sign-in').click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // A clerk lands on the work list.
  await page.waitForURL(/\/console\/#\/tasks$/);
  await page.getByRole('heading', { name: '待办任务' }).waitFor();
  await page.getByTestId('work-list-live').filter({ hasText: '实时更新' }).waitFor();
  return { page, errors };
}

const rowOf = (page: Page, taskId: string) => page.locator(`tr[data-task-id="${taskId}"]`);

/** `2026/12/07 23:59`: the instant's wall time in Beijing (UTC+8 all year), as zh-CN writes it. */
function beijing(iso: Date): string {
  const shifted = new Date(iso.getTime() + 8 * 3_600_000).toISOString();
  return `${shifted.slice(0, 4)}/${shifted.slice(5, 7)}/${shifted.slice(8, 10)} ${shifted.slice(11, 16)}`;
}

describe("a clerk's work list in the console", () => {
  it('shows Beijing due times and working days, updates live, and claims and releases by keyboard', async () => {
    const now = new Date();
    const soon = await openTask({ dueAt: stack.calendar.addWorkingDays(now, 3) });
    const late = await openTask({ dueAt: new Date(now.getTime() - 6 * dayMs) });
    const lateBy = stack.calendar.workingDaysBetween(late.due_at, now);
    // Decided work is not shown by default: only what is still to do.
    const done = await openTask({});
    await closeTask(stack.pool, done.id, 'withdrawn');

    const { page, errors } = await signedInPage('he.ping');
    const soonRow = rowOf(page, soon.id);
    await soonRow.waitFor();
    expect(await page.locator('th').allTextContents()).toContain('到期时间（北京时间）');
    const soonDue = await soonRow.getByTestId('due').textContent();
    expect(soonDue).toContain(beijing(soon.due_at));
    expect(soonDue).toContain(`还剩 ${stack.calendar.workingDaysBetween(now, soon.due_at)} 个工作日`);
    // Overdue, plainly: marked, and by how many working days.
    const lateDue = await rowOf(page, late.id).getByTestId('due').textContent();
    expect(lateDue).toContain('已超期');
    expect(lateDue).toContain(`已超期 ${lateBy} 个工作日`);
    expect(lateBy).toBeGreaterThan(0);
    expect(await rowOf(page, late.id).getAttribute('class')).toContain('overdue');
    expect(await rowOf(page, done.id).count()).toBe(0);
    // Earliest due first.
    const order = await Promise.all(
      (await page.locator('tbody tr').all()).map((r) => r.getAttribute('data-task-id')),
    );
    expect(order.indexOf(late.id)).toBeLessThan(order.indexOf(soon.id));

    // A new application's task arrives without reloading the page.
    await page.evaluate('window.stayed = true');
    const submitted = (await stack.submit(newbornRequest())).body.id;
    const task = await stack.waitForOpenTask(submitted, 'healthClerk');
    const row = rowOf(page, task.id);
    await row.waitFor();
    await page.getByTestId('work-list-notice').filter({ hasText: '新任务' }).waitFor();
    expect(await page.evaluate('window.stayed')).toBe(true);
    expect(await row.textContent()).toContain(submitted);

    // Claim with Enter, release with Space: focus stays on the row, on its next action.
    await row.getByRole('button', { name: `领取任务 ${task.stepId}` }).focus();
    await page.keyboard.press('Enter');
    const release = rowOf(page, task.id).getByRole('button', { name: `退回任务 ${task.stepId}` });
    await release.waitFor();
    expect(await rowOf(page, task.id).textContent()).toContain('已领取');
    expect(await rowOf(page, task.id).textContent()).toContain('何平 He Ping');
    expect(await release.evaluate((b) => b === b.ownerDocument.activeElement)).toBe(true);
    expect(
      (await stack.request<{ status: string }>('GET', `/v1/tasks/${task.id}`, undefined, {}, 'operator')).body
        .status,
    ).toBe('claimed');

    await page.keyboard.press('Space');
    const claim = rowOf(page, task.id).getByRole('button', { name: `领取任务 ${task.stepId}` });
    await claim.waitFor();
    expect(await rowOf(page, task.id).textContent()).toContain('待领取');
    expect(await claim.evaluate((b) => b === b.ownerDocument.activeElement)).toBe(true);

    // Another clerk's claim shows live; the row offers this clerk nothing to do with it.
    await stack.request('POST', `/v1/tasks/${soon.id}/claim`, undefined, {}, 'healthClerk');
    await rowOf(page, soon.id).filter({ hasText: 'healthClerk' }).waitFor();
    expect(await rowOf(page, soon.id).getByRole('button').count()).toBe(0);

    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.evaluate('document.scrollingElement.scrollWidth')).toBeLessThanOrEqual(1280);
    // No supervisor queue for a clerk who is not one.
    expect(await page.getByRole('link', { name: '督办队列' }).count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("shows a clerk of another department none of health's tasks", async () => {
    const health = await openTask({});
    const police = await openTask({ department: 'police', service: 'birth-registration' });
    const { page, errors } = await signedInPage('chen.jing', true);
    await rowOf(page, police.id).waitFor();
    expect(await page.getByTestId('work-list-live').textContent()).toContain('正在重新连接');
    const departments = (await page.locator('tbody tr td:first-child .muted').allTextContents()).map(
      (text) => text.split(' · ')[0],
    );
    expect(new Set(departments)).toEqual(new Set(['police']));
    expect(await rowOf(page, health.id).count()).toBe(0);

    // Claimed by another police clerk meanwhile, unseen without the live view: the claim is
    // refused, and the page says why in the API's words (the problem's title and detail).
    await stack.request('POST', `/v1/tasks/${police.id}/claim`, undefined, {}, 'policeClerk');
    await rowOf(page, police.id).getByRole('button').focus();
    await page.keyboard.press('Enter');
    const alert = page.getByTestId('work-list-error');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'The task is claimed by another clerk: Only its assignee can release or complete it.',
    );
    expect(errors).toEqual([]);
  });

  it('lets an operator open the work list of a department they choose, without claiming', async () => {
    const health = await openTask({});
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${stack.apiUrl}/console/`);
    await page.getByLabel('API 密钥').fill(stack.keys.operator);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.getByRole('link', { name: '待办任务' }).click();
    await page.getByLabel('部门').fill('health');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/#\/tasks\?department=health$/);
    await rowOf(page, health.id).waitFor();
    const departments = (await page.locator('tbody tr td:first-child .muted').allTextContents()).map(
      (text) => text.split(' · ')[0],
    );
    expect(new Set(departments)).toEqual(new Set(['health']));
    // Operators reassign from the application page; claiming is the clerks'.
    expect(await page.locator('tbody button').count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows a supervisor the supervisor queue as a tab, kept in the address', async () => {
    const escalated = await openTask({ queue: 'supervisor' });
    const { page, errors } = await signedInPage('sun.li');
    await page.getByRole('link', { name: '督办队列' }).click();
    await page.waitForURL(/#\/tasks\?queue=supervisor$/);
    await rowOf(page, escalated.id).waitFor();
    expect(await rowOf(page, escalated.id).textContent()).toContain('督办');
    await page.reload();
    await rowOf(page, escalated.id).waitFor();
    expect(await page.getByRole('link', { name: '督办队列' }).getAttribute('aria-current')).toBe('page');
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });
});

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, parseRole } from '../../api/auth/api-keys.js';
import type { TaskSummary } from '../../schemas/work-list.js';
import { launchChromium } from '../support/browser.js';
import { newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

// Vaccination certificates are decided by CDC clerks in the work list here, with 22 working days:
// no due time escalates a task while the test runs.
let stack: TestStack;
let browser: Browser;
let cdcClerk: { id: string; secret: string };
beforeAll(async () => {
  stack = await startTestStack({ stepDeciders: new Map([['newborn.vaccination', 'worklist']]) });
  cdcClerk = await createApiKey(stack.pool, { name: 'cdc-clerk-b', ...parseRole('clerk:cdc') });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const taskNow = async (id: string) =>
  (await stack.request<TaskSummary>('GET', `/v1/tasks/${id}`, undefined, {}, 'operator')).body;

describe('work-list tasks in the console', () => {
  it('escalates and reassigns a task from the application page, each with a reason', async () => {
    const submitted = await stack.submit(newbornRequest());
    const id = submitted.body.id;
    const task = await stack.waitForOpenTask(id, 'operator');

    // An English browser: the labels below are the console's English ones.
    const page = await (await browser.newContext({ locale: 'en-US' })).newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${stack.apiUrl}/console#/applications/${id}`);
    await page.getByLabel('API key').fill(stack.keys.operator);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${stack.apiUrl}/console#/applications/${id}`);
    const panel = page.locator(`.repair[data-task-id="${task.id}"]`);
    await panel.waitFor();

    const escalate = panel.getByRole('button', { name: 'Escalate to the supervisor' });
    expect(await escalate.isDisabled()).toBe(true);
    await panel.getByLabel('Reason (kept in the audit log)').fill('疫苗接种证积压 / backlog at CDC');
    await escalate.click();
    await page.getByTestId('notice').filter({ hasText: 'Escalated' }).waitFor();
    expect(await taskNow(task.id)).toMatchObject({ queue: 'supervisor', escalatedAt: expect.any(String) });

    // The panel is drawn again for the escalated task: only Reassign is left.
    const again = page.locator(`.repair[data-task-id="${task.id}"]`);
    await again.getByText('supervisor queue').waitFor();
    expect(await again.getByRole('button', { name: 'Escalate to the supervisor' }).count()).toBe(0);
    await again.getByLabel('Reason (kept in the audit log)').fill('clerk B knows the case');
    await again.getByLabel('Reassign to (clerk key id, or "queue")').fill(cdcClerk.id);
    await again.getByRole('button', { name: 'Reassign' }).click();
    await page.getByTestId('notice').filter({ hasText: 'Reassigned' }).waitFor();
    expect(await taskNow(task.id)).toMatchObject({
      status: 'claimed',
      assignee: expect.stringContaining(cdcClerk.id),
    });

    // A key of another department is refused, with the API's explanation shown.
    const last = page.locator(`.repair[data-task-id="${task.id}"]`);
    await last.getByText('cdc-clerk-b').waitFor();
    await last.getByLabel('Reason (kept in the audit log)').fill('wrong department');
    await last.getByLabel('Reassign to (clerk key id, or "queue")').fill('key_000000000000');
    await last.getByRole('button', { name: 'Reassign' }).click();
    await page.getByRole('alert').waitFor();
    expect(problems).toEqual([]);
  });
});

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vehicleCertificateReissue } from '../../bundles/vehicle-certificate-reissue.js';
import { devPeople } from '../../identity/dev-provider.js';
import type { RunningDevProvider } from '../../identity/dev-provider.js';
import type { TaskDetail } from '../../schemas/work-list.js';
import { seriousViolations } from '../support/axe.js';
import { launchChromium } from '../support/browser.js';
import { ended, newbornRequest } from '../support/newborn.js';
import type { TestStack } from '../support/stack.js';
import { startStackWithPeople } from '../support/oidc-stack.js';
import { beijingZh } from '../support/beijing-clock.js';

// Officers and clerks work in the console as themselves: they sign in through a real OpenID
// provider (oidc-provider) in Chromium, as the workbench asks. Birth certificates are
// decided by health clerks in the work list here.
let stack: TestStack;
let provider: RunningDevProvider;
let browser: Browser;
beforeAll(async () => {
  ({ stack, provider } = await startStackWithPeople(
    [...devPeople, { login: 'he.ping', name: '何平 He Ping', role: 'clerk', department: 'health' }],
    {
      stepDeciders: new Map([['newborn.birthCertificate', 'worklist']]),
    },
  ));
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await provider?.close();
});

/**
 * A fresh Chromium page on a 1280×720 screen in Chinese, signed in as `login` by the console's
 * "sign in with your organisation" link and the provider's sign-in form; it records script
 * errors.
 */
async function signedInPage(login: string): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(`${stack.apiUrl}/console`);
  await page.getByTestId('oidc-sign-in').click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any');
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(`${stack.apiUrl}/console/**`);
  await page
    .locator('#who')
    .filter({ hasText: login === 'li.ming' ? '李明' : '何平' })
    .waitFor();
  return { page, problems };
}

/** Opens the task page and waits until it shows the task. */
async function openTask(page: Page, taskId: string) {
  await page.goto(`${stack.apiUrl}/console#/tasks/${taskId}`);
  await page.getByRole('heading', { name: '办理依据' }).waitFor();
}

/** Presses Enter on a control reached by focus, as a keyboard user does. */
async function pressEnterOn(page: Page, name: string) {
  const button = page.getByRole('button', { name, exact: true });
  await button.focus();
  await page.keyboard.press('Enter');
}

const taskAsOperator = async (id: string) =>
  (await stack.request<TaskDetail>('GET', `/v1/tasks/${id}`, undefined, {}, 'operator')).body;

const accessLogOf = async (applicationId: string) =>
  (
    await stack.request<{ entries: Array<{ actorType: string; actor: string; stepId: string | null }> }>(
      'GET',
      `/v1/applications/${applicationId}/access-log`,
    )
  ).body.entries;

describe('the task page of an officer of the cloud window', () => {
  it('takes a vehicle certificate reissue from the portal to completion: sign in, claim, verify on video, approve', async () => {
    // Filed in Xihu district, Hangzhou: the officer's region.
    const submitted = await stack.submit({
      ...structuredClone(vehicleCertificateReissue.example),
      region: '330106',
    });
    expect(submitted.status).toBe(201);
    const applicationId = submitted.body.id;
    const task = await stack.waitForOpenTask(applicationId, 'vehicleOfficer');
    expect(task.kind).toBe('video-verification');
    // Why the task exists, as the API tells the page: labels come from the applicant's form, or
    // from the output of the earlier step's service.
    const detail = await taskAsOperator(task.id);
    expect(detail).toMatchObject({
      bundle: { id: 'vehicle-certificate-reissue', title: vehicleCertificateReissue.title },
      stepTitle: { zh: '视频核验', en: 'Video verification' },
      inputTitles: {
        name: { zh: '姓名', en: 'Name' },
        plateNumber: { zh: '号牌号码', en: 'Plate number' },
        address: { zh: '居住地址', en: 'Residential address' },
        paymentNumber: { zh: '缴费单号', en: 'Payment number' },
      },
      verifies: ['identity', 'contact', 'address', 'vehicle'],
    });

    const { page, problems } = await signedInPage('li.ming');
    await openTask(page, task.id);

    // Why: the bundle and step in both languages, the application, and the due time in Beijing time.
    const main = page.locator('main');
    await expect
      .poll(() => main.textContent())
      .toContain('补领机动车登记证书 · Vehicle registration certificate reissue');
    const text = (await main.textContent()) ?? '';
    expect(text).toContain('视频核验 · Video verification');
    expect(text).toContain(applicationId);
    expect(text).toContain('办结时限（北京时间）');
    expect(await page.getByTestId('task-status').textContent()).toBe('待领取');
    // Beijing wall-clock time whatever the machine's zone (this one runs in UTC).
    expect(await page.getByTestId('task-due').textContent()).toContain(beijingZh(task.dueAt));
    // What the department received, labelled as the applicant's form labels it.
    const received = page.getByTestId('task-input');
    for (const [label, value] of [
      ['号牌号码', '浙A12345'],
      ['居住地址', '浙江省杭州市西湖区文三路 100 号 2 单元 301'],
      ['姓名', '王强'],
    ])
      expect(await received.getByRole('definition').filter({ hasText: value }).count(), label).toBe(1);
    expect(await received.getByRole('term').allTextContents()).toEqual(
      expect.arrayContaining(['号牌号码', '居住地址', '姓名', '手机号码']),
    );
    expect(await seriousViolations(page)).toEqual([]);

    await pressEnterOn(page, '领取');
    await page.getByTestId('notice').filter({ hasText: '已领取' }).waitFor();
    const video = page.getByTestId('video-verification');
    await video.waitFor();
    expect(
      await video.getByRole('link', { name: '以办理人身份加入视频会话（新窗口）' }).getAttribute('href'),
    ).toBe(task.video?.joinUrls.officer);
    expect(await seriousViolations(page)).toEqual([]);

    // Approve stays disabled, saying why, until liveness passed, every fact ticked, a recording.
    const approve = page.getByRole('button', { name: '批准', exact: true });
    const blocked = page.getByTestId('approve-blocked');
    expect(await approve.isDisabled()).toBe(true);
    expect(await blocked.textContent()).toContain('活体检测尚未通过');
    await page.getByLabel('视频核验编号').fill('VV-2026-120301');
    await page.getByLabel('录像索引').fill('REC-2026-120301');
    await page.getByLabel('活体检测结果').selectOption('passed');
    const facts = ['身份', '联系方式', '住址', '车辆'];
    for (const fact of facts) {
      expect(await approve.isDisabled(), `before ticking ${fact}`).toBe(true);
      await video.getByRole('checkbox', { name: fact }).check();
    }
    expect(await approve.isDisabled(), 'without a recording reference').toBe(true);
    expect(await blocked.textContent()).toContain('尚未填写录像编号');
    await page.getByLabel('录像编号').fill('REC-2026-120301');
    expect(await approve.isDisabled()).toBe(false);
    expect(await blocked.textContent()).toBe('');
    // Unticking one fact disables it again.
    await video.getByRole('checkbox', { name: '车辆' }).uncheck();
    expect(await approve.isDisabled()).toBe(true);
    expect(await blocked.textContent()).toContain('尚未核验：车辆');
    await video.getByRole('checkbox', { name: '车辆' }).check();

    await pressEnterOn(page, '批准');
    await page.getByTestId('task-decided').filter({ hasText: '批准' }).waitFor();

    const done = await stack.waitForApplication(applicationId, ended, 60_000);
    expect(done.status).toBe('completed');
    const decided = await taskAsOperator(task.id);
    expect(decided.decision).toMatchObject({
      decision: 'approve',
      decidedBy: expect.stringContaining('李明 Li Ming'),
      outputs: {
        verificationNumber: 'VV-2026-120301',
        verification: {
          officer: '李明 Li Ming',
          liveness: 'passed',
          recordingRef: 'REC-2026-120301',
          facts: ['identity', 'contact', 'address', 'vehicle'],
        },
      },
    });
    // Opening the task is in the applicant's access log, naming the officer.
    const reads = (await accessLogOf(applicationId)).filter(
      (e) => e.actorType === 'clerk' && e.stepId === 'videoVerification',
    );
    expect(reads.map((e) => e.actor)).toContainEqual(expect.stringContaining('李明 Li Ming'));
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe('the decision forms of a review task', () => {
  it('asks for supplements by a list, shows the answers in the next round, refuses an incomplete approval, shows the API’s refusal, and rejects with a reason the applicant sees', async () => {
    const submitted = await stack.submit(newbornRequest());
    const applicationId = submitted.body.id;
    const first = await stack.waitForOpenTask(applicationId, 'healthClerk');
    expect((await taskAsOperator(first.id)).verifies).toEqual([]);
    const { page, problems } = await signedInPage('he.ping');
    await openTask(page, first.id);
    await page.getByRole('button', { name: '领取', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: '已领取' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Released, it is open again and the decisions are gone; claimed again, they are back.
    await page.getByRole('button', { name: '退回待领取', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: '已退回待领取队列' }).waitFor();
    expect(await page.getByTestId('task-status').textContent()).toBe('待领取');
    expect(await page.getByTestId('approve-form').count()).toBe(0);
    expect((await taskAsOperator(first.id)).status).toBe('open');
    await page.getByRole('button', { name: '领取', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: '已领取' }).waitFor();
    expect(await page.getByTestId('task-status').textContent()).toBe('办理中');

    const missing = ['分娩记录 delivery record', '母亲身份证照片 mother ID photo'];
    // An empty list is not sent.
    await page.getByRole('button', { name: '要求补正', exact: true }).click();
    await page
      .getByTestId('supplement-form')
      .getByRole('alert')
      .filter({ hasText: '请至少列出一项' })
      .waitFor();
    await page.getByLabel('缺少的材料或信息（每行一项）').fill(`${missing[0]}\n\n  ${missing[1]}  \n`);
    await page.getByRole('button', { name: '要求补正', exact: true }).click();
    await page.getByTestId('task-decided').filter({ hasText: '要求补正' }).waitFor();
    expect((await taskAsOperator(first.id)).decision).toMatchObject({
      decision: 'request-supplement',
      missing,
    });

    const answers = { [missing[0] as string]: 'DR-2026-112001', [missing[1] as string]: 'photo-ref-8843' };
    expect(
      (await stack.request('POST', `/v1/applications/${applicationId}/supplements`, { answers })).status,
    ).toBe(202);
    const second = await stack.waitForOpenTask(applicationId, 'healthClerk', 2);
    await openTask(page, second.id);
    const main = page.locator('main');
    await page.getByRole('heading', { name: '申请人上一轮补正的答复' }).waitFor();
    expect(await main.textContent()).toContain('photo-ref-8843');
    await page.getByRole('button', { name: '领取', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: '已领取' }).waitFor();

    // The generated form checks the outputs before sending: the certificate number is required.
    const approveForm = page.getByTestId('approve-form');
    await approveForm.getByRole('button', { name: '批准', exact: true }).click();
    const invalid = approveForm.getByRole('alert');
    await invalid.filter({ hasText: '必须填写' }).waitFor();
    expect(await invalid.textContent()).toContain('出生医学证明编号');
    expect(await approveForm.getByLabel('出生医学证明编号').getAttribute('aria-invalid')).toBe('true');
    expect(await approveForm.locator('label', { hasText: '出生医学证明编号' }).textContent()).toContain(
      '（必填）',
    );

    // Put back in the queue by an operator meanwhile: the API's refusal is shown, title and detail.
    const requeued = await stack.request(
      'POST',
      `/v1/ops/tasks/${second.id}/reassign`,
      { to: 'queue', reason: 'test: back to the queue' },
      {},
      'operator',
    );
    expect(requeued.status).toBe(200);
    const reason = '出生医学证明信息与医院记录不符 / the birth record does not match the hospital’s';
    const rejectForm = page.getByTestId('reject-form');
    expect(await rejectForm.textContent()).toContain('申请人将看到此理由');
    await rejectForm.getByLabel('不予办理的理由').fill(reason);
    await rejectForm.getByRole('button', { name: '不予办理', exact: true }).click();
    const refusal = rejectForm.getByRole('alert');
    await refusal.filter({ hasText: 'The task is not claimed' }).waitFor();
    expect(await refusal.textContent()).toContain('Claim it first.');

    // Reloaded, the page shows the task open again; claimed once more, it is rejected.
    await page.reload();
    await page.getByRole('button', { name: '领取', exact: true }).click();
    await page.getByTestId('notice').filter({ hasText: '已领取' }).waitFor();
    await page.getByTestId('reject-form').getByLabel('不予办理的理由').fill(reason);
    await page.getByTestId('reject-form').getByRole('button', { name: '不予办理', exact: true }).click();
    await page.getByTestId('task-decided').filter({ hasText: '不予办理' }).waitFor();

    const done = await stack.waitForApplication(applicationId, ended, 60_000);
    expect(done.status).toBe('rejected');
    expect(done.steps.find((s) => s.id === 'birthCertificate')).toMatchObject({
      status: 'rejected',
      error: { message: reason },
    });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

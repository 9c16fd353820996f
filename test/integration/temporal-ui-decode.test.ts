import type { Browser, Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemporalDevServer } from '../../temporal/dev-server.js';
import type { RunningDevServer } from '../../temporal/dev-server.js';
import { applicationWorkflowId } from '../../temporal/ids.js';
import { launchChromium } from '../support/browser.js';
import { freePort } from '../../net/free-port.js';
import { ended, newbornRequest } from '../support/newborn.js';
import { startTestStack } from '../support/stack.js';
import type { TestStack } from '../support/stack.js';

/**
 * The Temporal Web UI shows an operator the workflow input in clear through the codec endpoint,
 * with the session cookie the browser holds after signing in at the API; without it, ciphertext.
 * This file has its own Temporal dev server, with the UI, whose codec endpoint is this file's API.
 */
let temporal: RunningDevServer;
let stack: TestStack;
let browser: Browser;
let uiUrl: string;
let workflowUrl: string;

const { form } = newbornRequest() as unknown as {
  form: {
    baby: { name: string };
    mother: { name: string; idNumber: string };
    father: { name: string };
    household: { parentIdNumber: string };
    bankAccount: string;
  };
};
const personal = [
  form.baby.name,
  form.mother.name,
  form.mother.idNumber,
  form.father.name,
  form.household.parentIdNumber,
  form.bankAccount,
];

beforeAll(async () => {
  // The UI's codec endpoint is fixed when its server starts, so the API's port is chosen first.
  const apiPort = await freePort();
  temporal = await startTemporalDevServer({
    binary: process.env.TEMPORAL_CLI_PATH ?? '.venv/bin/temporal',
    port: await freePort(),
    uiPort: await freePort(),
    uiCodecEndpoint: `http://127.0.0.1:${apiPort}/codec`,
  });
  if (!temporal.uiUrl) throw new Error('the Temporal dev server started without its UI');
  uiUrl = temporal.uiUrl;
  stack = await startTestStack({ temporalAddress: temporal.address, apiPort, temporalUiOrigins: [uiUrl] });
  browser = await launchChromium();

  const submitted = await stack.submit(newbornRequest());
  expect(submitted.status).toBe(201);
  await stack.waitForApplication(submitted.body.id, ended);
  workflowUrl = `${uiUrl}/namespaces/default/workflows/${applicationWorkflowId(submitted.body.id)}`;
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
  await temporal?.stop();
});

/** A fresh browser profile: no cookies, no codec settings. */
async function withPage(use: (page: Page) => Promise<void>) {
  const context = await browser.newContext();
  try {
    await use(await context.newPage());
  } finally {
    await context.close();
  }
}

/** The workflow's input as the UI's workflow page shows it. */
const inputOf = (page: Page) => page.getByTestId('input-and-result').getByRole('textbox', { name: 'Input' });

/** What the page functions below use of the DOM, which the project's types do not include. */
interface Scrollable {
  scrollIntoView(options: { block: 'end' }): void;
}
declare const localStorage: { getItem(key: string): string | null };

/**
 * Waits (at most 30 s) until the Input shows `text`, a value near the end of the input (the form's
 * last fields, before the workflow's features): the editor draws only the lines it shows, scrolled
 * to the Input's end. The
 * decoded input replaces the ciphertext a moment after the Input appears, so each look scrolls
 * again.
 */
async function inputShows(page: Page, text: string) {
  const input = inputOf(page);
  await input.waitFor();
  const deadline = Date.now() + 30_000;
  for (;;) {
    await input.evaluate((element: Scrollable) => element.scrollIntoView({ block: 'end' }));
    if ((await input.innerText()).includes(text)) return;
    if (Date.now() > deadline) throw new Error(`the Input never showed ${text}: ${await input.innerText()}`);
    await page.waitForTimeout(200);
  }
}

/** The Input shows the encrypted payload, one base64 string, and no form value. */
async function expectCiphertext(page: Page) {
  const encrypted = /^"[A-Za-z0-9+/]{100,}={0,2}"$/;
  await inputOf(page).filter({ hasText: encrypted }).waitFor();
  const shown = await inputOf(page).innerText();
  expect(shown).toMatch(encrypted);
  expect(personal.filter((value) => shown.includes(value))).toEqual([]);
}

/** The next answer of the codec endpoint to the page's decode calls (with the session cookie). */
const nextDecode = (page: Page, withCookie = false): Promise<Response> =>
  page.waitForResponse(
    async (r) =>
      r.url().startsWith(`${stack.apiUrl}/codec/decode`) &&
      (!withCookie || ((await r.request().allHeaders()).cookie ?? '').includes('onething_session=')),
    { timeout: 30_000 },
  );

/** Signs in from a page on the API's origin, as the console does: the browser keeps the cookie. */
async function signIn(page: Page, apiKey: string): Promise<{ status: number; csrfToken?: string }> {
  await page.goto(`${stack.apiUrl}/health`);
  return page.evaluate(async (key) => {
    const response = await fetch('/v1/console/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: key }),
    });
    const body = (await response.json()) as { csrfToken?: string };
    return { status: response.status, csrfToken: body.csrfToken };
  }, apiKey);
}

/**
 * What an operator does in the UI's "Codec Server" dialog, opened from the failure banner. The
 * UI decodes with the new settings from the next page load on, so the page is reloaded.
 */
async function includeCredentialsInCodecCalls(page: Page) {
  await page.getByTestId('data-encoder-status-error').click();
  const dialog = page.locator('#data-encoder-settings');
  await dialog.getByTestId('use-local-endpoint-input').check();
  await dialog.getByTestId('data-encoder-endpoint-input').fill(`${stack.apiUrl}/codec`);
  // The switch's input is drawn over by its label: the label is what a person clicks.
  await dialog.getByTestId('data-encoder-include-credentials').check();
  await dialog.getByRole('button', { name: 'Apply' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await page.reload();
}

describe('decoding in the Temporal Web UI', () => {
  it('shows ciphertext, not the form, to a browser without a session', async () => {
    await withPage(async (page) => {
      // The UI asks the cluster-level codec endpoint without credentials and is refused.
      const [refused] = await Promise.all([nextDecode(page), page.goto(workflowUrl)]);
      expect(refused.status()).toBe(401);
      expect(refused.headers()['access-control-allow-origin']).toBe(uiUrl);
      await page.getByTestId('data-encoder-status-error').waitFor();
      await expectCiphertext(page);
    });
  }, 120_000);

  it('shows the form to an operator signed in at the API, with cross-origin credentials on', async () => {
    await withPage(async (page) => {
      expect((await signIn(page, stack.keys.operator)).status).toBe(200);
      await page.goto(workflowUrl);
      await page.getByTestId('data-encoder-status-error').waitFor();
      const [answer] = await Promise.all([nextDecode(page, true), includeCredentialsInCodecCalls(page)]);
      expect(answer.status()).toBe(200);
      expect(answer.headers()['access-control-allow-origin']).toBe(uiUrl);
      expect(answer.headers()['access-control-allow-credentials']).toBe('true');
      await inputShows(page, form.bankAccount);
      expect(await inputOf(page).innerText()).toContain(form.household.parentIdNumber);

      // Where the dialog keeps its choice (JSON in localStorage), for operators who script it.
      const stored = await page.evaluate(() =>
        ['endpoint', 'includeCredentials', 'overrideRemoteCodecConfiguration'].map((key) =>
          localStorage.getItem(key),
        ),
      );
      expect(stored).toEqual([JSON.stringify(`${stack.apiUrl}/codec`), 'true', 'true']);
    });
  }, 120_000);

  it('shows ciphertext again once the operator signs out', async () => {
    await withPage(async (page) => {
      const session = await signIn(page, stack.keys.operator);
      await page.goto(workflowUrl);
      await page.getByTestId('data-encoder-status-error').waitFor();
      await includeCredentialsInCodecCalls(page);
      await inputShows(page, form.bankAccount);

      await page.goto(`${stack.apiUrl}/health`);
      const status = await page.evaluate(async (csrfToken) => {
        const response = await fetch('/v1/console/session', {
          method: 'DELETE',
          headers: { 'x-csrf-token': csrfToken },
        });
        return response.status;
      }, session.csrfToken ?? '');
      expect(status).toBe(204);

      const [refused] = await Promise.all([nextDecode(page), page.goto(workflowUrl)]);
      expect(refused.status()).toBe(401);
      await page.getByTestId('data-encoder-status-error').waitFor();
      await expectCiphertext(page);
    });
  }, 120_000);
});

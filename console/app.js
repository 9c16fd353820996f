import { ApiProblem, currentSession, signOut } from './api.js';
import { renderApplication } from './application-page.js';
import { renderAuditLog } from './audit-log.js';
import { renderBulkJob } from './bulk-job.js';
import { renderBulkList } from './bulk-list.js';
import { renderDepartments } from './departments-page.js';
import { el } from './dom.js';
import { chooseLanguage, currentLanguage, wordsOf } from './i18n.js';
import { renderSignIn } from './sign-in.js';
import { renderStuckList } from './stuck-list.js';
import { renderTask } from './task-page.js';
import { renderWorkList } from './work-list-page.js';

/** @typedef {import('./types').Session} Session */

/** The chrome's words: index.html's texts are set from here, a nav link by its `data-words`. */
const words = wordsOf({
  zh: {
    title: 'Onething 运维控制台',
    brand: 'Onething 运维控制台',
    skip: '跳到正文',
    tasks: '待办任务',
    stuck: '卡住的办件',
    departments: '部门',
    bulk: '批量操作',
    audit: '审计日志',
    navigation: '主导航',
    signOut: '退出',
    otherLanguage: 'English',
    unreachable: '无法连接 API，请刷新页面重试。',
  },
  en: {
    title: "Onething operators' console",
    brand: "Onething operators' console",
    skip: 'Skip to content',
    tasks: 'Work list',
    stuck: 'Stuck applications',
    departments: 'Departments',
    bulk: 'Bulk actions',
    audit: 'Audit log',
    navigation: 'Main',
    signOut: 'Sign out',
    otherLanguage: '中文',
    unreachable: 'The API could not be reached; reload to try again.',
  },
});
/** index.html's elements whose text is set here, found by their `data-words`; others keep theirs. */
const chromeTexts = /** @type {const} */ ([
  'brand',
  'skip',
  'tasks',
  'stuck',
  'departments',
  'bulk',
  'audit',
  'signOut',
]);

/**
 * What a page gets: its address's parts, who is signed in, and a signal that aborts when they leave it.
 * @typedef {{ params: URLSearchParams, match: RegExpExecArray, session: Session, signal: AbortSignal, fail: (err: unknown) => void, reload: () => void }} PageContext
 */

/**
 * Each page and the roles it is for: an admin manages keys and reads the audit log; operating
 * applications is not theirs, so no operator page is linked or shown to them. Clerks (and the
 * officers among them) work their department's list; operators may open it too.
 * @type {Array<{ pattern: RegExp, roles: string[], render: (main: HTMLElement, context: PageContext) => Promise<void> }>}
 */
const pages = [
  { pattern: /^\/stuck$/, roles: ['operator'], render: renderStuckList },
  { pattern: /^\/tasks$/, roles: ['clerk', 'operator'], render: renderWorkList },
  { pattern: /^\/applications\/([0-9a-fA-F-]{36})$/, roles: ['operator'], render: renderApplication },
  { pattern: /^\/audit$/, roles: ['operator', 'admin'], render: renderAuditLog },
  { pattern: /^\/departments$/, roles: ['operator'], render: renderDepartments },
  { pattern: /^\/bulk$/, roles: ['operator'], render: renderBulkList },
  { pattern: /^\/bulk\/([0-9a-fA-F-]{36})$/, roles: ['operator'], render: renderBulkJob },
  { pattern: /^\/tasks\/([0-9a-fA-F-]{36})$/, roles: ['clerk', 'operator'], render: renderTask },
];

/** The page a role lands on, and is sent back to from an address that is not theirs. */
const homeOf = (/** @type {Session} */ signedIn) =>
  signedIn.role === 'admin' ? '#/audit' : roleOf(signedIn) === 'clerk' ? '#/tasks' : '#/stuck';

/** `operator:police` is an operator: the role without its scope. */
const roleOf = (/** @type {Session} */ signedIn) => signedIn.role.split(':')[0] ?? '';

const main = /** @type {HTMLElement} */ (document.getElementById('main'));
const nav = /** @type {HTMLElement} */ (document.getElementById('nav'));
const who = /** @type {HTMLElement} */ (document.getElementById('who'));
const signOutButton = /** @type {HTMLButtonElement} */ (document.getElementById('sign-out'));
const languageButton = /** @type {HTMLButtonElement} */ (document.getElementById('language'));
const skipLink = /** @type {HTMLAnchorElement} */ (document.getElementById('skip-link'));

/** The chrome in the chosen language; the switch names the other language in that language. */
function showChromeWords() {
  document.title = words.t('title');
  for (const key of chromeTexts)
    for (const node of document.querySelectorAll(`[data-words="${key}"]`)) node.textContent = words.t(key);
  nav.setAttribute('aria-label', words.t('navigation'));
  languageButton.textContent = words.t('otherLanguage');
  languageButton.lang = currentLanguage() === 'zh' ? 'en' : 'zh-CN';
}

/** @type {Session | null} */
let session = null;
/** @type {AbortController | undefined} */
let leaving;

/** @param {Session | null} signedIn */
function showChrome(signedIn) {
  nav.hidden = signedIn === null;
  signOutButton.hidden = signedIn === null;
  who.textContent = signedIn ? `${signedIn.name} (${signedIn.role})` : '';
  for (const link of nav.querySelectorAll('a')) {
    const roles = (link.getAttribute('data-for') ?? '').split(' ');
    link.hidden = signedIn === null || !roles.includes(roleOf(signedIn));
  }
}

/** An expired session leads back to the sign-in page; anything else is shown where the page was. */
function fail(/** @type {unknown} */ err) {
  if (err instanceof ApiProblem && err.status === 401) {
    session = null;
    void show();
    return;
  }
  main.replaceChildren(
    el(
      'p',
      { class: 'error', role: 'alert' },
      err instanceof ApiProblem ? err.message : words.t('unreachable'),
    ),
  );
}

async function show() {
  leaving?.abort();
  const controller = new AbortController();
  leaving = controller;
  session ??= await currentSession();
  if (controller.signal.aborted) return;
  showChrome(session);
  if (!session) {
    renderSignIn(main, (signedIn) => {
      session = signedIn;
      if (location.hash.startsWith('#/') && location.hash !== '#/') void show();
      else location.hash = homeOf(signedIn);
    });
    return;
  }
  const [path = '', query = ''] = location.hash.slice(1).split('?', 2);
  for (const page of pages) {
    const match = page.pattern.exec(path);
    if (match && page.roles.includes(roleOf(session))) {
      // A page left behind may still fail (a refresh in flight); that must not cover the next one.
      const failHere = (/** @type {unknown} */ err) => {
        if (!controller.signal.aborted) fail(err);
      };
      const context = {
        params: new URLSearchParams(query),
        match,
        session,
        signal: controller.signal,
        fail: failHere,
        reload: () => void show().catch(fail),
      };
      await page.render(main, context).catch(failHere);
      return;
    }
  }
  location.hash = homeOf(session);
}

signOutButton.addEventListener('click', () => {
  signOut()
    .catch(() => undefined)
    .finally(() => {
      session = null;
      void show();
    });
});
languageButton.addEventListener('click', () => {
  chooseLanguage(currentLanguage() === 'zh' ? 'en' : 'zh');
  showChromeWords();
  void show().catch(fail);
});
// The address's fragment names pages: the skip link moves the focus instead of going to `#main`.
skipLink.addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
// The link followed went with the page it was on: the keyboard goes on from the new page's start.
const focusPage = () => {
  if (document.activeElement === document.body) main.focus({ preventScroll: true });
};
window.addEventListener('hashchange', () => void show().then(focusPage).catch(fail));
showChromeWords();
void show().catch(fail);

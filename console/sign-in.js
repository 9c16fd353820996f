import { ApiProblem, signIn } from './api.js';
import { el, field } from './dom.js';
import { wordsOf } from './i18n.js';

/** @typedef {import('./types').Session} Session */

const words = wordsOf({
  zh: {
    heading: '登录',
    withOrganisation: '统一身份认证登录',
    orKey: '或粘贴运维人员的 API 密钥（管理员密钥进入审计日志）。浏览器只保存会话，不保存密钥。',
    apiKey: 'API 密钥',
    signIn: '登录',
    unreachable: '无法连接 API，请重试。',
  },
  en: {
    heading: 'Sign in',
    withOrganisation: 'Sign in with your organisation account',
    orKey:
      'Or paste an operator API key (an admin key shows the audit log). The browser keeps a session, not the key.',
    apiKey: 'API key',
    signIn: 'Sign in',
    unreachable: 'The API could not be reached; try again.',
  },
});

/**
 * The sign-in page: a person signs in through the organisation's identity provider (the API
 * sends the browser there and back), or an operator pastes an API key once. Either way the
 * browser keeps a session cookie, never a key.
 * @param {HTMLElement} main
 * @param {(session: Session) => void} onSignedIn
 */
export function renderSignIn(main, onSignedIn) {
  const key = el('input', {
    type: 'password',
    name: 'apiKey',
    autocomplete: 'off',
    required: true,
    id: 'api-key',
  });
  const error = el('p', { class: 'error', role: 'alert', hidden: true });
  const button = el('button', { type: 'submit' }, words.t('signIn'));
  const form = el(
    'form',
    {
      class: 'sign-in',
      onsubmit: (event) => {
        event.preventDefault();
        button.disabled = true;
        error.hidden = true;
        signIn(key.value.trim())
          .then((session) => {
            key.value = '';
            onSignedIn(session);
          })
          .catch((/** @type {unknown} */ err) => {
            error.textContent = err instanceof ApiProblem ? err.message : words.t('unreachable');
            error.hidden = false;
          })
          .finally(() => {
            button.disabled = false;
          });
      },
    },
    el('h1', {}, words.t('heading')),
    el(
      'p',
      {},
      el(
        'a',
        { href: '/v1/console/oidc/sign-in', class: 'button', 'data-testid': 'oidc-sign-in' },
        words.t('withOrganisation'),
      ),
    ),
    el('p', {}, words.t('orKey')),
    field(words.t('apiKey'), key),
    button,
    error,
  );
  main.replaceChildren(form);
  key.focus();
}

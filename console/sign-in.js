import { ApiProblem, signIn } from './api.js';
import { el, field } from './dom.js';

/** @typedef {import('./types').Session} Session */

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
  const button = el('button', { type: 'submit' }, 'Sign in');
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
            error.textContent =
              err instanceof ApiProblem ? err.message : 'The API could not be reached; try again.';
            error.hidden = false;
          })
          .finally(() => {
            button.disabled = false;
          });
      },
    },
    el('h1', {}, '登录 · Sign in'),
    el(
      'p',
      {},
      el(
        'a',
        { href: '/v1/console/oidc/sign-in', class: 'button', 'data-testid': 'oidc-sign-in' },
        '统一身份认证登录 · Sign in with your organisation account',
      ),
    ),
    el(
      'p',
      {},
      'Or paste an operator API key (an admin key shows the audit log). The browser keeps a session, not the key.',
    ),
    field('API key', key),
    button,
    error,
  );
  main.replaceChildren(form);
  key.focus();
}

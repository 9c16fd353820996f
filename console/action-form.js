import { ApiProblem } from './api.js';
import { el, field } from './dom.js';
import { wordsOf } from './i18n.js';

const words = wordsOf({
  zh: { unreachable: '无法连接 API，请重试。', reason: '原因（记入审计日志）' },
  en: { unreachable: 'The API could not be reached; try again.', reason: 'Reason (kept in the audit log)' },
});

/** @typedef {(message: string, failed: boolean) => void} Report */
/**
 * A button of a reason form: what it is called, and the request it sends with the reason, which
 * resolves to what the page says once the API took it.
 * @typedef {{ label: string, explain?: string, props?: import('./dom.js').Props, send: (reason: string) => Promise<string> }} ReasonButton
 */

/**
 * Where a page says what an action did or why the API refused it (with its title and detail).
 * @param {() => void} [after] called after every report, e.g. to show the page's new state
 */
export function noticeBox(after) {
  const notice = el('p', { class: 'notice', role: 'status', hidden: true, 'data-testid': 'notice' });
  /** @type {Report} */
  const report = (message, failed) => {
    notice.textContent = message;
    notice.className = failed ? 'notice error' : 'notice';
    notice.setAttribute('role', failed ? 'alert' : 'status');
    notice.hidden = false;
    after?.();
  };
  return { notice, report };
}

/** @param {unknown} err */
export const refusalText = (err) => (err instanceof ApiProblem ? err.message : words.t('unreachable'));

/**
 * A reason box (required: it goes to the audit log), other fields an action needs, and buttons
 * that stay disabled until a reason is typed, as the API would refuse them without one.
 * @param {{ buttons: ReasonButton[], report: Report, fields?: HTMLElement[], reasonLabel?: string }} options
 */
export function reasonForm({ buttons, report, fields = [], reasonLabel = words.t('reason') }) {
  const reason = el('textarea', { name: 'reason', rows: 2, maxlength: 500, required: true });
  const enable = () => {
    for (const b of controls) b.disabled = reason.value.trim() === '';
  };
  const controls = buttons.map((button) =>
    el(
      'button',
      {
        type: 'button',
        title: button.explain,
        disabled: true,
        ...button.props,
        onclick: () => {
          for (const b of controls) b.disabled = true;
          button
            .send(reason.value.trim())
            .then((message) => {
              reason.value = '';
              report(message, false);
            })
            .catch((/** @type {unknown} */ err) => report(refusalText(err), true))
            .finally(enable);
        },
      },
      button.label,
    ),
  );
  reason.addEventListener('input', enable);
  return el(
    'div',
    { class: 'reason-form' },
    field(reasonLabel, reason),
    fields,
    el('div', { class: 'buttons' }, controls),
  );
}

/**
 * A whole-number input.
 * @param {string} name
 * @param {number} value the default
 * @param {number} min
 * @param {number} max
 */
export const numberInput = (name, value, min, max) =>
  el('input', { type: 'number', name, value, min, max, step: 1, required: true, class: 'number' });

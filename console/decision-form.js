import { api, ApiProblem } from './api.js';
import { el, field } from './dom.js';
import { currentLanguage, wordsOf } from './i18n.js';
import { checkValue, outputFieldsOf } from './output-fields.js';
import { blockedHeading } from './video-verification.js';

/** @typedef {import('./types').TaskDetail} TaskDetail */
/** @typedef {import('./output-fields.js').OutputField} OutputField */
/** @typedef {import('./output-fields.js').ValueProblem} ValueProblem */
/** @typedef {import('./video-verification.js').VideoSection} VideoSection */

const words = wordsOf({
  zh: {
    approveHeading: '批准',
    approveNote: '填写本部门办理结果，批准后流程进入下一环节。',
    noOutputs: '此事项批准时无需填写结果。',
    approve: '批准',
    rejectHeading: '不予办理',
    reason: '不予办理的理由',
    reasonNote: '申请人将看到此理由，请写清原因及可采取的做法。',
    reject: '不予办理',
    supplementHeading: '要求补正',
    missing: '缺少的材料或信息（每行一项）',
    missingNote: '请一次列出全部缺少的内容，申请人会逐项答复。',
    requestSupplement: '要求补正',
    required: '（必填）',
    true: '是',
    false: '否',
    choose: '请选择',
    beijingTime: '北京时间',
    fix: '请先改正以下内容：',
    needsLiveness: '不予办理前请先记录活体检测结果。',
    sending: '正在提交…',
    /** @param {string} title @param {string} problem */
    problemOf: (title, problem) => `${title}：${problem}`,
    problem_required: '必须填写',
    problem_integer: '必须是整数',
    problem_number: '必须是数字',
    problem_minimum: (/** @type {number} */ n) => `不能小于 ${n}`,
    problem_maximum: (/** @type {number} */ n) => `不能大于 ${n}`,
    problem_minLength: (/** @type {number} */ n) => `至少 ${n} 个字符`,
    problem_maxLength: (/** @type {number} */ n) => `最多 ${n} 个字符`,
    problem_pattern: '格式不正确',
    problem_option: '请从选项中选择',
    problem_date: '日期不正确',
    reasonMissing: '请填写理由',
    missingMissing: '请至少列出一项',
    refused: '提交未成功',
    unreachable: '无法连接到服务，请重试。',
  },
  en: {
    approveHeading: 'Approve',
    approveNote: "Fill in your department's result; once approved, the application moves to its next step.",
    noOutputs: 'This service needs no result to approve.',
    approve: 'Approve',
    rejectHeading: 'Reject',
    reason: 'Reason for rejecting',
    reasonNote: 'The applicant will see this reason: say why, and what they can do.',
    reject: 'Reject',
    supplementHeading: 'Request supplements',
    missing: 'What is missing (one item per line)',
    missingNote: 'List everything missing at once; the applicant answers each item.',
    requestSupplement: 'Request supplements',
    required: '(required)',
    true: 'Yes',
    false: 'No',
    choose: 'Choose',
    beijingTime: 'Beijing time',
    fix: 'Correct these first:',
    needsLiveness: 'Record the liveness check result before rejecting.',
    sending: 'Sending…',
    /** @param {string} title @param {string} problem */
    problemOf: (title, problem) => `${title}: ${problem}`,
    problem_required: 'is required',
    problem_integer: 'must be a whole number',
    problem_number: 'must be a number',
    problem_minimum: (/** @type {number} */ n) => `must be at least ${n}`,
    problem_maximum: (/** @type {number} */ n) => `must be at most ${n}`,
    problem_minLength: (/** @type {number} */ n) => `needs at least ${n} characters`,
    problem_maxLength: (/** @type {number} */ n) => `takes at most ${n} characters`,
    problem_pattern: 'is not in the expected format',
    problem_option: 'must be one of the options',
    problem_date: 'is not a valid date',
    reasonMissing: 'Give a reason',
    missingMissing: 'List at least one item',
    refused: 'Not sent',
    unreachable: 'The API could not be reached; try again.',
  },
});

/**
 * @param {ValueProblem} problem
 * @param {number | undefined} limit
 */
function problemText(problem, limit) {
  switch (problem) {
    case 'minimum':
    case 'maximum':
    case 'minLength':
    case 'maxLength':
      return words.t(`problem_${problem}`, limit ?? 0);
    default:
      return words.t(`problem_${problem}`);
  }
}

/** @param {OutputField} output */
const labelOf = (output) => {
  const title = output.title?.[currentLanguage()] ?? output.name;
  const when = output.kind === 'date-time' ? ` (${words.t('beijingTime')})` : '';
  return `${title}${when}${output.required ? ` ${words.t('required')}` : ''}`;
};

/**
 * The input of one output, by its kind.
 * @param {OutputField} output
 * @returns {HTMLInputElement | HTMLSelectElement}
 */
function controlOf(output) {
  const common = { name: output.name, required: output.required, 'data-output': output.name };
  switch (output.kind) {
    case 'boolean':
      return el('input', { ...common, type: 'checkbox', required: false });
    case 'select':
      return el(
        'select',
        common,
        el('option', { value: '' }, words.t('choose')),
        output.options.map((o) => el('option', { value: o }, o)),
      );
    case 'integer':
    case 'number':
      return el('input', {
        ...common,
        type: 'number',
        step: output.kind === 'integer' ? 1 : 'any',
        min: output.minimum,
        max: output.maximum,
      });
    case 'date':
      return el('input', { ...common, type: 'date' });
    case 'date-time':
      return el('input', { ...common, type: 'datetime-local' });
    default:
      return el('input', { ...common, type: 'text', maxlength: output.maxLength });
  }
}

/**
 * Where a form says what went wrong: our own checks, or the API's problem with its title and detail.
 */
function errorBox() {
  const box = el('div', { class: 'error', role: 'alert', hidden: true });
  return {
    box,
    /** @param {string} heading @param {string[]} [lines] */
    show(heading, lines = []) {
      box.replaceChildren(
        el('p', {}, heading),
        ...(lines.length
          ? [
              el(
                'ul',
                {},
                lines.map((l) => el('li', {}, l)),
              ),
            ]
          : []),
      );
      box.hidden = false;
    },
    hide() {
      box.hidden = true;
    },
    /** @param {unknown} err */
    refused(err) {
      if (err instanceof ApiProblem)
        this.show(`${words.t('refused')}: ${err.title}`, err.detail ? [err.detail] : []);
      else this.show(words.t('unreachable'));
    },
  };
}

/**
 * A decision's form: a section with a heading, its fields and one submit button. Sends the body
 * `decide` builds (or shows why it cannot), then reports the new state.
 * @param {{ id: string, heading: string, note?: string, fields: HTMLElement[], button: HTMLButtonElement, body: () => { ok: true, body: unknown } | { ok: false, heading: string, lines: string[] }, send: (body: unknown) => Promise<void> }} options
 */
function decisionSection({ id, heading, note, fields, button, body, send }) {
  const errors = errorBox();
  const form = el(
    'form',
    {
      class: 'decision',
      novalidate: true,
      'aria-labelledby': `${id}-heading`,
      'data-testid': id,
      onsubmit: (event) => {
        event.preventDefault();
        errors.hide();
        const built = body();
        if (!built.ok) {
          errors.show(built.heading, built.lines);
          return;
        }
        button.disabled = true;
        send(built.body)
          .catch((/** @type {unknown} */ err) => errors.refused(err))
          .finally(() => {
            button.disabled = false;
          });
      },
    },
    el('h3', { id: `${id}-heading` }, heading),
    note ? el('p', { class: 'muted' }, note) : null,
    fields,
    button,
    errors.box,
  );
  return form;
}

/**
 * The three decisions of a claimed task, as forms: approve with the outputs its service's schema
 * asks for (one input per output, checked before sending), reject with a reason the applicant
 * sees, or request supplements with the list of what is missing. A video verification's approval
 * stays disabled, with the reasons shown, until the officer's record meets the rules.
 * @param {TaskDetail} task
 * @param {{ video: VideoSection | null, onDecided: () => void }} options
 * @returns {{ element: HTMLElement, refresh: () => void }}
 */
export function decisionForms(task, { video, onDecided }) {
  const complete = async (/** @type {unknown} */ body) => {
    await api('POST', `/v1/tasks/${task.id}/complete`, body);
    onDecided();
  };

  const { fields: outputs } = outputFieldsOf(task.outputsSchema);
  const controls = outputs.map((output) => ({ output, control: controlOf(output) }));
  const approveButton = el(
    'button',
    { type: 'submit', 'aria-describedby': 'approve-blocked' },
    words.t('approve'),
  );
  const blocked = el('div', { id: 'approve-blocked', class: 'blocked', 'data-testid': 'approve-blocked' });
  const approve = decisionSection({
    id: 'approve-form',
    heading: words.t('approveHeading'),
    note: words.t(outputs.length ? 'approveNote' : 'noOutputs'),
    fields: [
      ...controls.map(({ output, control }) =>
        field(labelOf(output), control, output.description?.[currentLanguage()]),
      ),
      blocked,
    ],
    button: approveButton,
    body: () => {
      /** @type {Record<string, unknown>} */
      const values = {};
      /** @type {string[]} */
      const lines = [];
      for (const { output, control } of controls) {
        const typed =
          control instanceof HTMLInputElement && control.type === 'checkbox'
            ? control.checked
            : control.value;
        const checked = checkValue(output, typed);
        control.setAttribute('aria-invalid', String('problem' in checked));
        if ('problem' in checked)
          lines.push(words.t('problemOf', labelOf(output), problemText(checked.problem, checked.limit)));
        else if (checked.value !== undefined) values[output.name] = checked.value;
      }
      if (lines.length) return { ok: false, heading: words.t('fix'), lines };
      const verification = video?.record();
      return {
        ok: true,
        body: { decision: 'approve', outputs: values, ...(verification ? { verification } : {}) },
      };
    },
    send: complete,
  });

  const reason = el('textarea', { name: 'reason', rows: 3, maxlength: 2000 });
  const reject = decisionSection({
    id: 'reject-form',
    heading: words.t('rejectHeading'),
    fields: [field(words.t('reason'), reason, words.t('reasonNote'))],
    button: el('button', { type: 'submit' }, words.t('reject')),
    body: () => {
      if (!reason.value.trim()) return { ok: false, heading: words.t('reasonMissing'), lines: [] };
      if (!video) return { ok: true, body: { decision: 'reject', reason: reason.value.trim() } };
      const verification = video.record();
      if (!verification) return { ok: false, heading: words.t('needsLiveness'), lines: [] };
      return { ok: true, body: { decision: 'reject', reason: reason.value.trim(), verification } };
    },
    send: complete,
  });

  const missing = el('textarea', { name: 'missing', rows: 4 });
  const supplement = decisionSection({
    id: 'supplement-form',
    heading: words.t('supplementHeading'),
    fields: [field(words.t('missing'), missing, words.t('missingNote'))],
    button: el('button', { type: 'submit' }, words.t('requestSupplement')),
    body: () => {
      const items = missing.value
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      if (items.length === 0) return { ok: false, heading: words.t('missingMissing'), lines: [] };
      return { ok: true, body: { decision: 'request-supplement', missing: items } };
    },
    send: complete,
  });

  /** Approve is disabled, and says why, while the video verification's rules do not hold. */
  const refresh = () => {
    const reasons = video?.blockers() ?? [];
    approveButton.disabled = reasons.length > 0;
    blocked.replaceChildren(
      ...(reasons.length
        ? [
            el('p', {}, blockedHeading()),
            el(
              'ul',
              {},
              reasons.map((r) => el('li', {}, r)),
            ),
          ]
        : []),
    );
  };
  refresh();
  return { element: el('div', { class: 'decisions' }, approve, reject, supplement), refresh };
}

import { el, field, safeHttpUrl } from './dom.js';
import { wordsOf } from './i18n.js';

/** @typedef {import('./types').TaskDetail} TaskDetail */
/** @typedef {TaskDetail['verifies'][number]} Fact */
/**
 * What the officer records of the session, as `POST /v1/tasks/:id/complete` takes it.
 * @typedef {{ liveness: 'passed' | 'failed', officer: string, recordingRef?: string, verified: Fact[] }} Verification
 */
/**
 * @typedef {{
 *   element: HTMLElement,
 *   record: () => Verification | null,
 *   blockers: () => string[],
 * }} VideoSection
 */

const words = wordsOf({
  zh: {
    heading: '视频核验',
    join: '以办理人身份加入视频会话（新窗口）',
    noLink: '此任务没有可用的视频会话链接。',
    room: (/** @type {string} */ room) => `会话房间：${room}`,
    checklist: '需核验的事项（逐项勾选）',
    identity: '身份：本人与身份证照片一致',
    contact: '联系方式：手机号码属本人',
    address: '住址：居住地址属实',
    vehicle: '车辆：无违法未处理、查封抵押或被盗抢记录',
    liveness: '活体检测结果',
    livenessUnset: '尚未记录',
    passed: '通过',
    failed: '未通过',
    recording: '录像编号',
    recordingHint: '视频平台中本次会话录像的编号；批准必须填写',
    blockedHeading: '批准按钮暂不可用，原因：',
    livenessNotPassed: '活体检测尚未通过',
    notVerified: (/** @type {string} */ fact) => `尚未核验：${fact}`,
    noRecording: '尚未填写录像编号',
  },
  en: {
    heading: 'Video verification',
    join: 'Join the video session as the officer (new window)',
    noLink: 'This task has no video session link.',
    room: (/** @type {string} */ room) => `Session room: ${room}`,
    checklist: 'Facts to verify (tick each one)',
    identity: 'Identity: the person matches the ID card photo',
    contact: 'Contact: the mobile number is theirs',
    address: 'Address: the residential address is true',
    vehicle: 'Vehicle: no open violation, seizure, mortgage or theft report',
    liveness: 'Liveness check result',
    livenessUnset: 'Not recorded yet',
    passed: 'Passed',
    failed: 'Failed',
    recording: 'Recording reference',
    recordingHint: "The session recording's reference in the video platform; an approval needs one",
    blockedHeading: 'Approve is disabled because:',
    livenessNotPassed: 'the liveness check has not passed',
    notVerified: (/** @type {string} */ fact) => `not verified: ${fact}`,
    noRecording: 'no recording reference yet',
  },
});

/**
 * The cloud window's video verification of a task: the officer's join link, the facts its
 * service declares as a checklist, the liveness result and the recording reference. It knows the
 * rules of an approval (api/video-verification.ts) so the page can keep Approve disabled, and say
 * why, until they hold; the API checks them again.
 * @param {TaskDetail} task
 * @param {string} officer the person signed in, named in the record
 * @param {() => void} onChange called whenever the officer changes something
 * @returns {VideoSection}
 */
export function videoVerificationSection(task, officer, onChange) {
  const joinUrl = task.video ? safeHttpUrl(task.video.joinUrls.officer) : null;
  const boxes = task.verifies.map((fact) => {
    const box = el('input', { type: 'checkbox', name: 'verified', value: fact, onchange: onChange });
    return { fact, box, item: el('li', {}, el('label', {}, box, ' ', words.t(fact))) };
  });
  const liveness = el(
    'select',
    { name: 'liveness', onchange: onChange },
    el('option', { value: '' }, words.t('livenessUnset')),
    el('option', { value: 'passed' }, words.t('passed')),
    el('option', { value: 'failed' }, words.t('failed')),
  );
  const recording = el('input', { type: 'text', name: 'recordingRef', maxlength: 500, oninput: onChange });

  const element = el(
    'section',
    { class: 'video-verification', 'aria-labelledby': 'video-heading', 'data-testid': 'video-verification' },
    el('h2', { id: 'video-heading' }, words.t('heading')),
    joinUrl
      ? el(
          'p',
          {},
          el(
            'a',
            { href: joinUrl, target: '_blank', rel: 'noopener noreferrer', class: 'button' },
            words.t('join'),
          ),
        )
      : el('p', { class: 'muted' }, words.t('noLink')),
    task.video ? el('p', { class: 'muted' }, words.t('room', task.video.room)) : null,
    el(
      'fieldset',
      { class: 'checklist' },
      el('legend', {}, words.t('checklist')),
      el(
        'ul',
        {},
        boxes.map((b) => b.item),
      ),
    ),
    field(words.t('liveness'), liveness),
    field(words.t('recording'), recording, words.t('recordingHint')),
  );

  return {
    element,
    record() {
      if (liveness.value !== 'passed' && liveness.value !== 'failed') return null;
      const recordingRef = recording.value.trim();
      return {
        liveness: liveness.value,
        officer,
        ...(recordingRef ? { recordingRef } : {}),
        verified: boxes.filter((b) => b.box.checked).map((b) => b.fact),
      };
    },
    blockers() {
      return [
        ...(liveness.value === 'passed' ? [] : [words.t('livenessNotPassed')]),
        ...boxes.filter((b) => !b.box.checked).map((b) => words.t('notVerified', words.t(b.fact))),
        ...(recording.value.trim() ? [] : [words.t('noRecording')]),
      ];
    },
  };
}

/** The heading of the list of reasons Approve is disabled. */
export const blockedHeading = () => words.t('blockedHeading');

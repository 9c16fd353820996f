import { currentLanguage } from './i18n.js';

// Deadlines are set in Beijing time by the working-day calendar, wherever the browser is: a clerk
// reads the same time the citizen was promised.

/**
 * An instant as Beijing wall-clock time in the chosen language, e.g. `2026年12月3日 14:30`.
 * @param {string | null | undefined} iso
 */
export function beijingDateTime(iso) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(currentLanguage() === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone: 'Asia/Shanghai',
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

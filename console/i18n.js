// The console speaks Chinese to the people who use it and English to those who ask for it. Each
// page keeps its own words (both languages side by side, so a key missing in one fails the type
// check); this module only knows which language is chosen.

/** @typedef {'zh' | 'en'} Language */

const storageKey = 'onething.console.language';

/** @type {readonly Language[]} */
export const languages = ['zh', 'en'];

/** @param {unknown} value @returns {value is Language} */
const isLanguage = (value) => value === 'zh' || value === 'en';

/** What the person chose before, else an English browser gets English, everyone else Chinese. */
function initialLanguage() {
  /** @type {string | null} */
  let stored = null;
  try {
    stored = localStorage.getItem(storageKey);
  } catch {
    // Storage may be refused (private windows, policies): the choice then lasts for the page.
  }
  if (isLanguage(stored)) return stored;
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

/** @type {Language} */
let chosen = initialLanguage();

/** @returns {Language} */
export const currentLanguage = () => chosen;

/**
 * Switch the console's language and remember it; the caller redraws the page.
 * @param {Language} language
 */
export function chooseLanguage(language) {
  chosen = language;
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
  try {
    localStorage.setItem(storageKey, language);
  } catch {
    // See initialLanguage: not remembered, still switched.
  }
}

/**
 * A page's words: `words.t('key')`, or `words.t('key', value…)` for an entry that is a function
 * of what it names. Both catalogues have the same keys (the type parameter ties them).
 * @template {Record<string, string | ((...args: any[]) => string)>} M
 * @param {{ zh: M, en: { [K in keyof M]: M[K] } }} catalogues
 */
export function wordsOf(catalogues) {
  return {
    /**
     * @template {keyof M} K
     * @param {K} key
     * @param {M[K] extends (...args: infer A) => string ? A : []} args
     * @returns {string}
     */
    t(key, ...args) {
      const entry = catalogues[chosen][key];
      return typeof entry === 'function' ? entry(...args) : /** @type {string} */ (entry);
    },
  };
}

document.documentElement.lang = chosen === 'zh' ? 'zh-CN' : 'en';

import { STRINGS } from './strings.js';

/**
 * Interface language: French by default (the volet's users are French hospitals and platforms),
 * English on request, remembered in localStorage. `t('key', { n: 3 })` replaces `{n}`.
 */
const STORAGE = 'cisis-tlr.lang';
const listeners = new Set();

export function lang() {
  const l = localStorage.getItem(STORAGE);
  return l === 'en' ? 'en' : 'fr';
}

export function setLang(l) {
  localStorage.setItem(STORAGE, l === 'en' ? 'en' : 'fr');
  document.documentElement.lang = lang();
  for (const fn of listeners) fn(lang());
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function t(key, vars) {
  const table = STRINGS[lang()];
  let s = table[key] ?? STRINGS.fr[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] === undefined ? m : String(vars[k])));
  return s;
}

/** Whether a key exists (labels of states, flows and statuses fall back to the raw code). */
export function has(key) {
  return key in STRINGS[lang()] || key in STRINGS.fr;
}

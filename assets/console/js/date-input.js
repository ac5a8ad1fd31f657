import { h } from './dom.js';
import { lang, t } from './i18n.js';

/**
 * Date filters in the console's language. A native `<input type="date">` is drawn in the browser's own
 * locale (an English browser shows mm/dd/yyyy and English month names on a French page), so the filters
 * are text fields read and written as the chosen language writes dates: `jj/mm/aaaa [hh:mm]` in French,
 * `dd/mm/yyyy [hh:mm]` in English (en-GB, as the rest of the console), ISO `yyyy-mm-dd` accepted in both.
 * The value kept (URL, API) is the ISO local form the native inputs gave: `yyyy-mm-dd` or `yyyy-mm-ddThh:mm`.
 */

const pad = (n) => String(n).padStart(2, '0');

/**
 * Reads what the user typed: '' for nothing, the ISO local value, or null when it is not a date
 * (or not a real one: 31/02 is refused, not rolled over).
 */
export function parseDateInput(text, withTime) {
  const s = text.trim();
  if (s === '') return '';
  const m =
    /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:h](\d{2}))?$/.exec(s) ??
    (() => {
      const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(s);
      return iso ? [iso[0], iso[3], iso[2], iso[1], iso[4], iso[5]] : null;
    })();
  if (!m) return null;
  const [day, month, year, hour = withTime ? '0' : undefined, minute = withTime ? '0' : undefined] = m.slice(1).map((v) => v);
  const d = new Date(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0));
  if (d.getFullYear() !== Number(year) || d.getMonth() !== Number(month) - 1 || d.getDate() !== Number(day)) return null;
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59)) return null;
  const date = `${year}-${pad(month)}-${pad(day)}`;
  return withTime ? `${date}T${pad(hour ?? 0)}:${pad(minute ?? 0)}` : date;
}

/** The ISO local value as the language writes it (`02/03/2026 09:30`); '' for nothing. */
export function formatDateInput(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value ?? '');
  if (!m) return value ?? '';
  return `${m[3]}/${m[2]}/${m[1]}${m[4] ? ` ${m[4]}:${m[5]}` : ''}`;
}

/**
 * A date filter: a text field with the language's placeholder, marked invalid (with the expected form in
 * its message) when what is typed is not a date. `el.isoValue` is the value to filter on.
 */
export function dateInput({ id, value, withTime = false }) {
  const placeholder = t(withTime ? 'date.placeholderDateTime' : 'date.placeholder');
  const el = h('input', {
    id,
    type: 'text',
    class: 'input input-date',
    inputmode: 'numeric',
    autocomplete: 'off',
    placeholder,
    value: formatDateInput(value),
    'data-lang': lang(),
  });
  el.isoValue = value ?? '';
  el.addEventListener('input', () => {
    el.setCustomValidity('');
    el.removeAttribute('aria-invalid');
  });
  // Capture phase: the value is read before the page's own change handler applies the filters.
  el.addEventListener(
    'change',
    () => {
      const iso = parseDateInput(el.value, withTime);
      if (iso === null) {
        el.setCustomValidity(t('date.invalid', { format: placeholder }));
        el.setAttribute('aria-invalid', 'true');
        el.reportValidity();
        return;
      }
      el.isoValue = iso;
      el.value = formatDateInput(iso);
    },
    true,
  );
  return el;
}

import { lang } from './i18n.js';

function locale() {
  return lang() === 'fr' ? 'fr-FR' : 'en-GB';
}

/** `28/11/2026 15:41:34` in the browser's time zone; '—' for nothing. */
export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Date and time to the minute, for dense tables. */
export function dateTimeShort(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(locale(), { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
}

/** Time of day with milliseconds, for timelines where messages follow each other closely. */
export function timeOfDay(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  const base = d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return `${base}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

/** A date without time (birth dates, HL7 dates at day precision). */
export function dateOnly(iso) {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (m) return lang() === 'fr' ? `${m[3]}/${m[2]}/${m[1]}` : `${m[3]}/${m[2]}/${m[1]}`;
  return dateTimeShort(iso);
}

/** "3 min ago" / "il y a 3 min". */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto', style: 'short' });
  if (Math.abs(s) < 60) return rtf.format(-s, 'second');
  if (Math.abs(s) < 3600) return rtf.format(-Math.round(s / 60), 'minute');
  if (Math.abs(s) < 86400) return rtf.format(-Math.round(s / 3600), 'hour');
  return rtf.format(-Math.round(s / 86400), 'day');
}

/** A duration in seconds as `2 h 05 min` / `45 s`. */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  const hh = Math.floor(s / 3600);
  if (hh < 48) return `${hh} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  return `${Math.floor(hh / 24)} j ${hh % 24} h`;
}

/** A number with the locale's separators and at most `digits` decimals. */
export function number(n, digits = 1) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return n.toLocaleString(locale(), { maximumFractionDigits: digits });
}

/** Byte count as `12.3 kB`. */
export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${number(n / 1024)} kB`;
  return `${number(n / 1024 / 1024)} MB`;
}

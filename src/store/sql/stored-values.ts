import type { SqlValue } from './sql-runner.js';

/**
 * What both engines can store in a text column. PostgreSQL refuses U+0000 in `text` and `jsonb`
 * (even escaped as `\u0000` in JSON) where SQLite keeps it; such a value would make the same
 * message fail for ever on one engine and pass on the other. Text is therefore stored with U+0000
 * replaced by U+FFFD (the replacement character) on both engines. Nothing is lost: the message bytes
 * themselves are kept as they arrived, in a binary column.
 */
export function storedText(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

/** JSON text of a value, its strings (keys included) passed through {@link storedText}. */
export function storedJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? storedText(v) : v));
  // Keys are not seen by the replacer; JSON escapes U+0000 in them as \u0000.
  return text.includes('\\u0000') ? text.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd') : text;
}

/** Statement parameters with their text made storable ({@link storedText}); bytes and numbers as they are. */
export function storedParams(params: readonly SqlValue[]): SqlValue[] {
  return params.map((p) => (typeof p === 'string' ? storedText(p) : p));
}

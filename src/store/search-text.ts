/**
 * Text search of orders. The terms of an order are folded once at write time into one column
 * (`orders.search_text`) and the needle is folded the same way, so the search behaves identically on
 * SQLite (whose `lower()` knows ASCII only) and PostgreSQL: case and accents are ignored
 * ("Dupré" is found by "dupre").
 */
export function foldSearchText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Separates the terms, so that a needle never matches across two of them. */
const TERM_SEPARATOR = '\u001f';

/** The folded search column of an order. */
export function orderSearchText(terms: readonly (string | null | undefined)[]): string {
  return terms
    .filter((t): t is string => typeof t === 'string' && t.trim() !== '')
    .map((t) => foldSearchText(t.replace(/[\u0000-\u001f]/g, ' ').trim()))
    .join(TERM_SEPARATOR);
}

/** `%needle%` for LIKE with `\` as escape character; the needle's own `%`, `_` and `\` match literally. */
export function containsPattern(needle: string): string {
  const folded = foldSearchText(needle.replace(/[\u0000-\u001f]/g, ' ').trim());
  return `%${folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

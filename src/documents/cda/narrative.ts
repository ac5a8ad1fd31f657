import { el } from './xml-tree.js';
import type { XmlElement } from './xml-tree.js';

/**
 * Free text of the radiologist as CDA narrative: one `paragraph` per non-empty line, so that line
 * breaks survive in every viewer (the CDA narrative block ignores raw newlines).
 */
export function paragraphs(text: string, id?: string): XmlElement[] {
  const lines = splitLines(text);
  const items = (lines.length > 0 ? lines : ['Non renseigné']).map((line) => el('paragraph', {}, line));
  if (id === undefined) return items;
  // An entry points at this text through `reference value="#id"`: wrap the lines in one `content` element.
  return [el('paragraph', {}, el('content', { ID: id }, ...interleaveBreaks(lines.length > 0 ? lines : ['Non renseigné'])))];
}

/** Non-empty, trimmed lines of a text (CR, LF or CRLF separated). */
export function splitLines(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

function interleaveBreaks(lines: string[]): (string | XmlElement)[] {
  const out: (string | XmlElement)[] = [];
  lines.forEach((line, i) => {
    if (i > 0) out.push(el('br'));
    out.push(line);
  });
  return out;
}

import type { Charset } from './charset.js';
import { decodeHexBytes } from './charset.js';
import type { Delimiters } from './delimiters.js';
import { Hl7Error } from './errors.js';

/** A problem found inside escape sequences of one value; the caller adds the location. */
export interface EscapeProblem {
  code: 'TLR_ERR_HL7_BAD_ESCAPE' | 'TLR_ERR_HL7_UNKNOWN_ESCAPE';
  severity: 'E' | 'W';
  message: string;
}

const HEX = /^(?:[0-9A-Fa-f]{2})+$/;
const SPACE = /^\.sp(?:\s*\+?(\d+))?$/;

/**
 * Decodes the escape sequences of one primitive value (HL7 v2.5.1 §2.7):
 * `\F\ \S\ \T\ \R\ \E\` give the delimiters back, `\Xhh…\` gives the bytes decoded in the message
 * character set, and the formatted-text commands become plain text: `\.br\` → line feed,
 * `\.sp n\` → n line feeds, highlighting (`\H\`, `\N\`) and layout commands (`\.fi\ \.nf\ \.in\
 * \.ti\ \.sk\ \.ce\`) are dropped. Character-set switches (`\C…\`, `\M…\`) and locally defined
 * escapes (`\Z…\`) are kept verbatim: they have no meaning outside the sender's system.
 * Problems are reported through `report`; decoding never throws.
 */
export function unescapeValue(raw: string, d: Delimiters, charset: Charset, report?: (p: EscapeProblem) => void): string {
  const esc = d.escape;
  let start = raw.indexOf(esc);
  if (start < 0) return raw;
  let out = '';
  let last = 0;
  while (start >= 0) {
    const end = raw.indexOf(esc, start + 1);
    if (end < 0) {
      report?.({
        code: 'TLR_ERR_HL7_BAD_ESCAPE',
        severity: 'E',
        message: `Escape sequence started at character ${start + 1} is not closed`,
      });
      break;
    }
    out += raw.slice(last, start);
    const body = raw.slice(start + 1, end);
    out += decodeSequence(body, d, charset, raw, report);
    last = end + 1;
    start = raw.indexOf(esc, last);
  }
  return out + raw.slice(last);
}

function decodeSequence(body: string, d: Delimiters, charset: Charset, raw: string, report?: (p: EscapeProblem) => void): string {
  switch (body) {
    case 'F':
      return d.field;
    case 'S':
      return d.component;
    case 'T':
      return d.subcomponent;
    case 'R':
      return d.repetition;
    case 'E':
      return d.escape;
    case 'H':
    case 'N':
      return '';
    case '.br':
      return '\n';
    case '.fi':
    case '.nf':
    case '.ce':
      return '';
    default:
      break;
  }
  const first = body.charAt(0);
  if (first === 'X') {
    const hex = body.slice(1);
    if (!HEX.test(hex)) {
      report?.({
        code: 'TLR_ERR_HL7_BAD_ESCAPE',
        severity: 'E',
        message: `Invalid hexadecimal escape \\${body}\\ (expected pairs of hex digits)`,
      });
      return d.escape + body + d.escape;
    }
    return decodeHexBytes(Buffer.from(hex, 'hex'), charset);
  }
  const sp = SPACE.exec(body);
  if (sp) return '\n'.repeat(sp[1] ? Number(sp[1]) : 1);
  if (/^\.(in|ti|sk)\s*[+-]?\d*$/.test(body)) return '';
  if (first === 'C' || first === 'M' || first === 'Z') return d.escape + body + d.escape;
  if (body === '') {
    report?.({ code: 'TLR_ERR_HL7_BAD_ESCAPE', severity: 'E', message: 'Empty escape sequence (two consecutive escape characters)' });
    return '';
  }
  report?.({
    code: 'TLR_ERR_HL7_UNKNOWN_ESCAPE',
    severity: 'W',
    message: `Unknown escape sequence \\${body}\\ kept as written in "${raw.length > 40 ? `${raw.slice(0, 40)}…` : raw}"`,
  });
  return d.escape + body + d.escape;
}

/**
 * Encodes a primitive value for ER7: delimiters and the escape character become `\F\ \S\ \T\ \R\
 * \E\`, a line feed (CRLF, LF) becomes `\.br\` (formatted text line break) and other control
 * characters become `\Xhh\`, so that no value can break the segment structure.
 */
export function escapeValue(value: string, d: Delimiters): string {
  if (!needsEscape(value, d)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === d.escape) out += `${d.escape}E${d.escape}`;
    else if (ch === d.field) out += `${d.escape}F${d.escape}`;
    else if (ch === d.component) out += `${d.escape}S${d.escape}`;
    else if (ch === d.subcomponent) out += `${d.escape}T${d.escape}`;
    else if (ch === d.repetition) out += `${d.escape}R${d.escape}`;
    else if (ch === '\r' && value[i + 1] === '\n') {
      out += `${d.escape}.br${d.escape}`;
      i++;
    } else if (ch === '\n') out += `${d.escape}.br${d.escape}`;
    else if (ch.charCodeAt(0) < 0x20 && ch !== '\t')
      out += `${d.escape}X${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}${d.escape}`;
    else out += ch;
  }
  return out;
}

function needsEscape(value: string, d: Delimiters): boolean {
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === d.escape || ch === d.field || ch === d.component || ch === d.subcomponent || ch === d.repetition) return true;
    if (ch.charCodeAt(0) < 0x20 && ch !== '\t') return true;
  }
  return false;
}

/** Throws the first escape problem of a value: for builders, where bad input is a programming error. */
export function assertEscapesValid(raw: string, d: Delimiters, charset: Charset): void {
  unescapeValue(raw, d, charset, (p) => {
    if (p.severity === 'E') throw new Hl7Error(p.code, p.message, { condition: '102' });
  });
}

import type { Message } from '../../hl7/index.js';
import { escapeValue } from '../../hl7/index.js';
import { TlrBuildError } from '../errors.js';

/** The eight code points where ISO 8859-15 differs from ISO 8859-1 (Latin-1 has them, Latin-9 does not). */
const LATIN1_ONLY = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);
/** What Latin-9 puts in their place. */
const LATIN9_EXTRA = new Set([0x20ac, 0x160, 0x161, 0x17d, 0x17e, 0x152, 0x153, 0x178]);

/** True when ISO 8859-15 (Latin-9) has the character. */
export function isLatin9(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  return (cp <= 0xff && !LATIN1_ONLY.has(cp)) || LATIN9_EXTRA.has(cp);
}

/**
 * Usual substitutes for typographic characters outside Latin-9. The guide's own display texts
 * contain the typographic apostrophe `’` (U+2019), so a message declared `8859/15` needs at least
 * that one (`common.md` C-8).
 */
const SUBSTITUTES: Readonly<Record<string, string>> = {
  '‘': "'",
  '’': "'",
  '‚': "'",
  '‛': "'",
  '′': "'",
  '´': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '‟': '"',
  '″': '"',
  '¨': '"',
  '‐': '-',
  '‑': '-',
  '‒': '-',
  '–': '-',
  '—': '-',
  '―': '-',
  '−': '-',
  '…': '...',
  '•': '-',
  '‹': '<',
  '›': '>',
  '¸': ',',
  '\u2009': ' ',
  '\u200a': ' ',
  '\u202f': ' ',
  '\u2007': ' ',
  '\u2002': ' ',
  '\u2003': ' ',
  '¼': '1/4',
  '½': '1/2',
  '¾': '3/4',
};

/**
 * The Latin-9 form of one character: itself, a usual substitute, or its base letter once accents
 * absent from Latin-9 are removed (`ă` → `a`). Undefined when none exists.
 */
function latin9Substitute(ch: string): string | undefined {
  if (isLatin9(ch)) return ch;
  const sub = SUBSTITUTES[ch];
  if (sub !== undefined) return sub;
  const base = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  if (base !== '' && [...base].every(isLatin9)) return base;
  return undefined;
}

/**
 * Rewrites every value of a message built in Unicode so that it can be encoded in ISO 8859-15:
 * typographic punctuation becomes its ASCII form and foreign accents are dropped. Works on the ER7
 * text (delimiters and escapes are ASCII, hence untouched); a substitute that happens to be a
 * delimiter is written as its escape sequence. Throws `TLR_ERR_BUILD_UNREPRESENTABLE` for a
 * character with no substitute (e.g. `ł`, CJK): replacing it with `?` would silently corrupt a name.
 */
export function fitToLatin9(message: Message): void {
  for (const segment of message.segments) {
    const first = segment.name === 'MSH' ? 3 : 1;
    for (let n = first; n < segment.fields.length; n++) {
      const raw = segment.fields[n]!;
      if (/^[\x00-\xff]*$/.test(raw) && ![...raw].some((c) => LATIN1_ONLY.has(c.charCodeAt(0)))) continue;
      let out = '';
      for (const ch of raw) {
        const sub = latin9Substitute(ch);
        if (sub === undefined) {
          const code = ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
          throw new TlrBuildError(
            'TLR_ERR_BUILD_UNREPRESENTABLE',
            `${segment.name}-${n}`,
            `character "${ch}" (U+${code}) has no ISO 8859-15 equivalent; send the message as UNICODE UTF-8`,
          );
        }
        out += sub === ch ? ch : escapeValue(sub, message.delimiters);
      }
      segment.fields[n] = out;
    }
  }
}

/**
 * Makes any text drawable with a PDF standard font (WinAnsi encoding). pdf-lib throws on a character
 * its standard fonts cannot encode; a radiologist's text may contain such characters (Greek letters,
 * arrows, ≤, Polish or Turkish letters in a name). Each one is replaced, in this order, by: a
 * conventional ASCII spelling (`≥` → `>=`), its base letter (NFKD without combining marks: `ő` → `o`),
 * or `?`. French text is unaffected: every French letter, `œ`, `€`, `«»`, `’` and `–` are in WinAnsi.
 */

const SPELLINGS: Readonly<Record<string, string>> = {
  '\u2264': '<=',
  '\u2265': '>=',
  '\u2260': '!=',
  '\u2248': '~',
  '\u2192': '->',
  '\u2190': '<-',
  '\u2194': '<->',
  '\u21D2': '=>',
  '\u2212': '-',
  '\u2010': '-',
  '\u2011': '-',
  '\u2009': ' ',
  '\u200A': ' ',
  '\u202F': ' ',
  '\u2007': ' ',
  '\u00AD': '',
  '\u200B': '',
  '\uFEFF': '',
  '\u03BC': '\u00B5',
  '\u2032': "'",
  '\u2033': '"',
  '\u221E': 'infini',
  '\u2715': 'x',
  '\u2713': 'v',
  '\t': ' ',
};

/**
 * Replaces the characters a font cannot draw. `supported` is the font's character set
 * (`PDFFont.getCharacterSet()`); line breaks must already have been split out by the caller.
 */
export function toDrawableText(text: string, supported: ReadonlySet<number>): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0) as number;
    if (supported.has(cp)) {
      out += ch;
      continue;
    }
    const spelled = SPELLINGS[ch];
    if (spelled !== undefined && [...spelled].every((c) => supported.has(c.codePointAt(0) as number))) {
      out += spelled;
      continue;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue; // control characters: drop
    const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
    if (base.length > 0 && [...base].every((c) => supported.has(c.codePointAt(0) as number))) {
      out += base;
      continue;
    }
    out += '?';
  }
  return out;
}

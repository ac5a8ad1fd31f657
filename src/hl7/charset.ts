import { isAscii, isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { Hl7Error } from './errors.js';

/**
 * Character sets of MSH-18 (HL7 table 0211) that this library reads and writes. The volet allows
 * `UNICODE UTF-8` and `8859/15`; the other ISO 8859 parts are accepted because partners send them.
 */
export type Charset =
  | 'ASCII'
  | 'UNICODE UTF-8'
  | '8859/1'
  | '8859/2'
  | '8859/3'
  | '8859/4'
  | '8859/5'
  | '8859/6'
  | '8859/7'
  | '8859/8'
  | '8859/9'
  | '8859/15';

const ICONV_NAMES: Readonly<Record<Charset, string>> = {
  ASCII: 'ascii',
  'UNICODE UTF-8': 'utf8',
  '8859/1': 'iso-8859-1',
  '8859/2': 'iso-8859-2',
  '8859/3': 'iso-8859-3',
  '8859/4': 'iso-8859-4',
  '8859/5': 'iso-8859-5',
  '8859/6': 'iso-8859-6',
  '8859/7': 'iso-8859-7',
  '8859/8': 'iso-8859-8',
  '8859/9': 'iso-8859-9',
  '8859/15': 'iso-8859-15',
};

export function isSupportedCharset(value: string): value is Charset {
  return Object.hasOwn(ICONV_NAMES, value);
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** True when the bytes hold at least one well-formed multi-byte UTF-8 sequence and nothing invalid. */
function looksLikeUtf8(bytes: Buffer): boolean {
  return !isAscii(bytes) && isUtf8(bytes);
}

/**
 * Decodes message bytes according to the declared MSH-18. Never returns garbage silently:
 *
 * a declaration that does not match the bytes is a reported error (`errors`), and the text is read
 * in the encoding the bytes really have so that what is shown is what the sender meant: UTF-8
 * declared with invalid sequences is read as ISO 8859-15; a single-byte charset declared while the
 * bytes are well-formed multi-byte UTF-8 (the classic "Ã©" mistake — in French text a real
 * ISO 8859 "Ã" followed by a byte in 0x80–0xBF is practically never intended) is read as UTF-8.
 * An unknown MSH-18 throws: there is no honest way to read the text.
 * Without MSH-18, HL7 means ASCII; we accept UTF-8 bytes (the volet's default) and report it.
 */
export interface DecodedText {
  text: string;
  /** The encoding the bytes were actually read with (may differ from MSH-18 when `errors` says so). */
  charset: Charset;
  errors: Hl7Error[];
  warnings: Hl7Error[];
}

export function decodeText(bytes: Buffer, declared: string | undefined): DecodedText {
  const warnings: Hl7Error[] = [];
  const errors: Hl7Error[] = [];
  const where = { segment: 'MSH', occurrence: 1, field: 18 } as const;
  if (declared === undefined || declared === '') {
    if (isAscii(bytes)) return { text: bytes.toString('latin1'), charset: 'ASCII', errors, warnings };
    if (isUtf8(bytes)) {
      warnings.push(
        new Hl7Error('TLR_ERR_CHARSET_UNDECLARED', 'MSH-18 is empty but the message contains non-ASCII characters; read as UTF-8', {
          severity: 'W',
          location: where,
          condition: '102',
        }),
      );
      return { text: bytes.toString('utf8'), charset: 'UNICODE UTF-8', errors, warnings };
    }
    throw new Hl7Error(
      'TLR_ERR_CHARSET_UNDECLARED',
      'MSH-18 is empty and the message contains bytes that are neither ASCII nor UTF-8; declare its character set',
      { location: where, condition: '102' },
    );
  }
  if (!isSupportedCharset(declared)) {
    throw new Hl7Error(
      'TLR_ERR_CHARSET_UNSUPPORTED',
      `Unsupported character set "${declared}" in MSH-18 (expected UNICODE UTF-8 or 8859/15)`,
      { location: where, condition: '103' },
    );
  }
  if (declared === 'UNICODE UTF-8') {
    if (!isUtf8(bytes)) {
      const at = firstInvalidUtf8Offset(bytes);
      errors.push(
        new Hl7Error(
          'TLR_ERR_CHARSET_MISMATCH',
          `MSH-18 declares UNICODE UTF-8 but byte ${at} is not valid UTF-8; the message was read as ISO 8859-15`,
          { location: where, condition: '102' },
        ),
      );
      return { text: decodeSingleByte(bytes, '8859/15'), charset: '8859/15', errors, warnings };
    }
    return { text: bytes.toString('utf8'), charset: declared, errors, warnings };
  }
  if (declared === 'ASCII') {
    if (!isAscii(bytes)) {
      const utf8 = isUtf8(bytes);
      errors.push(
        new Hl7Error(
          'TLR_ERR_CHARSET_MISMATCH',
          `MSH-18 declares ASCII but the message contains non-ASCII bytes; read as ${utf8 ? 'UTF-8' : 'ISO 8859-15'}`,
          { location: where, condition: '102' },
        ),
      );
      return utf8
        ? { text: bytes.toString('utf8'), charset: 'UNICODE UTF-8', errors, warnings }
        : { text: decodeSingleByte(bytes, '8859/15'), charset: '8859/15', errors, warnings };
    }
    return { text: bytes.toString('latin1'), charset: declared, errors, warnings };
  }
  if (isAscii(bytes)) return { text: bytes.toString('latin1'), charset: declared, errors, warnings };
  if (looksLikeUtf8(bytes)) {
    errors.push(
      new Hl7Error(
        'TLR_ERR_CHARSET_MISMATCH',
        `MSH-18 declares ${declared} but the bytes are UTF-8 (multi-byte sequences found); ` +
          `the message was read as UTF-8. Declare UNICODE UTF-8 or re-encode`,
        { location: where, condition: '102' },
      ),
    );
    return { text: bytes.toString('utf8'), charset: 'UNICODE UTF-8', errors, warnings };
  }
  return { text: decodeSingleByte(bytes, declared), charset: declared, errors, warnings };
}

/**
 * The eight code points where ISO 8859-15 differs from ISO 8859-1, keyed by the Latin-1 character of
 * their byte. Every other byte is the same character in both, so 8859-15 is decoded as Latin-1 (a
 * copy, where iconv-lite went through a UTF-16 buffer) and these eight are then put right.
 */
const LATIN9_FROM_LATIN1: Readonly<Record<string, string>> = {
  '\xa4': '\u20ac',
  '\xa6': '\u0160',
  '\xa8': '\u0161',
  '\xb4': '\u017d',
  '\xb8': '\u017e',
  '\xbc': '\u0152',
  '\xbd': '\u0153',
  '\xbe': '\u0178',
};
const LATIN9_BYTES = /[\xa4\xa6\xa8\xb4\xb8\xbc-\xbe]/g;
/** Characters that make Latin-1 bytes wrong for 8859-15 text: the eight above, and anything beyond U+00FF. */
const NOT_LATIN9_AS_LATIN1 = /[\xa4\xa6\xa8\xb4\xb8\xbc-\xbe\u0100-\uffff]/;

/** Text of bytes in a single-byte ISO 8859 part (every byte is a character in all of them). */
function decodeSingleByte(bytes: Buffer, charset: Charset): string {
  if (charset === '8859/1') return bytes.toString('latin1');
  if (charset === '8859/15') return bytes.toString('latin1').replace(LATIN9_BYTES, (c) => LATIN9_FROM_LATIN1[c]!);
  return iconv.decode(bytes, ICONV_NAMES[charset]);
}

function firstInvalidUtf8Offset(bytes: Buffer): number {
  // Binary search on prefixes would be faster, but this only runs on the error path.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return lo;
}

/** Encodes text for the wire; characters the charset cannot represent are an error, never `?`. */
export function encodeText(text: string, charset: Charset, withBom = false): Buffer {
  let body: Buffer;
  if (charset === 'UNICODE UTF-8') {
    body = Buffer.from(text, 'utf8');
  } else if (charset === 'ASCII' || charset === '8859/1') {
    const max = charset === 'ASCII' ? 0x7f : 0xff;
    const bad = firstCharAbove(text, max);
    if (bad >= 0) throw unrepresentable(text, bad, charset);
    body = Buffer.from(text, 'latin1');
  } else if (charset === '8859/15' && !NOT_LATIN9_AS_LATIN1.test(text)) {
    // Only characters that are the same byte in Latin-1: a copy, nothing can be lost.
    body = Buffer.from(text, 'latin1');
  } else {
    body = iconv.encode(text, ICONV_NAMES[charset]);
    // iconv-lite writes '?' for a character the charset lacks: more '?' out than in means a loss,
    // which is then located by decoding back (only on that error path).
    if (countQuestionMarks(body) !== countQuestionMarks(text)) {
      const back = iconv.decode(body, ICONV_NAMES[charset]);
      if (back !== text) {
        let i = 0;
        while (i < text.length && text[i] === back[i]) i++;
        throw unrepresentable(text, i, charset);
      }
    }
  }
  return withBom ? Buffer.concat([UTF8_BOM, body]) : body;
}

function countQuestionMarks(value: string | Buffer): number {
  let count = 0;
  for (let i = value.indexOf('?'); i >= 0; i = value.indexOf('?', i + 1)) count++;
  return count;
}

function firstCharAbove(text: string, max: number): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > max) return i;
  return -1;
}

function unrepresentable(text: string, index: number, charset: Charset): Hl7Error {
  const ch = String.fromCodePoint(text.codePointAt(index) ?? 0x3f);
  const code = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
  return new Hl7Error(
    'TLR_ERR_CHARSET_UNREPRESENTABLE',
    `Character "${ch}" (U+${code}) cannot be written in ${charset}; use UNICODE UTF-8`,
    { condition: '102' },
  );
}

/** Decodes the bytes of an `\Xhh..\` escape in the message's character set. */
export function decodeHexBytes(bytes: Buffer, charset: Charset): string {
  if (charset === 'UNICODE UTF-8') return bytes.toString('utf8');
  return decodeSingleByte(bytes, charset);
}

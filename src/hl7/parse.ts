import { hasUtf8Bom, decodeText } from './charset.js';
import type { Charset } from './charset.js';
import { Codec } from './codec.js';
import { DEFAULT_DELIMITERS } from './delimiters.js';
import type { Delimiters } from './delimiters.js';
import { unescapeValue } from './escape.js';
import { Hl7Error } from './errors.js';
import type { Location } from './location.js';
import type { LineEnding, MessageHeader } from './message.js';
import { Message, headerOf } from './message.js';
import { Segment } from './segment.js';

export interface ParseOptions {
  /** Largest accepted message, in bytes (default 64 MiB). */
  maxMessageBytes?: number;
  /** Largest accepted field, in characters (default 32 Mi: a base64 PDF of 24 MB fits). */
  maxFieldLength?: number;
}

/** Outcome of a lenient parse: the message when its structure could be read, and every problem found. */
export interface ParseResult {
  /** Undefined when the message could not be read at all (no MSH, bad delimiters, charset error…). */
  message: Message | undefined;
  /** Best-effort MSH fields, available even when `message` is not, so that a NACK can be addressed. */
  header: MessageHeader | undefined;
  errors: Hl7Error[];
  warnings: Hl7Error[];
}

const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_FIELD_LENGTH = 32 * 1024 * 1024;
// C0 controls other than TAB, LF, CR, plus DEL: never valid in ER7 text (VT and FS are MLLP framing bytes).
const CONTROL = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]/;

/**
 * Parses ER7 bytes strictly: returns the message, or throws the first `Hl7Error` (with its
 * location) when anything is wrong. Warnings (e.g. LF line endings) do not throw.
 */
export function parseMessage(input: Uint8Array | string, options: ParseOptions = {}): Message {
  const result = tryParseMessage(input, options);
  if (result.errors.length > 0 || !result.message) throw result.errors[0]!;
  return result.message;
}

/**
 * Parses ER7 bytes leniently and never throws: every problem is returned as a located
 * `Hl7Error`, ready to become an ERR segment. Delimiters come from MSH-1/MSH-2, the character set
 * from MSH-18 (read from the raw bytes before decoding, as the MSH is ASCII).
 */
export function tryParseMessage(input: Uint8Array | string, options: ParseOptions = {}): ParseResult {
  const errors: Hl7Error[] = [];
  const warnings: Hl7Error[] = [];
  const fail = (e: Hl7Error, header?: MessageHeader): ParseResult => ({ message: undefined, header, errors: [e, ...errors], warnings });
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const maxField = options.maxFieldLength ?? DEFAULT_MAX_FIELD_LENGTH;

  let bytes: Buffer | undefined;
  let text: string;
  let hadBom = false;
  if (typeof input === 'string') {
    hadBom = input.charCodeAt(0) === 0xfeff;
    text = hadBom ? input.slice(1) : input;
  } else {
    bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    if (hasUtf8Bom(bytes)) {
      hadBom = true;
      bytes = bytes.subarray(3);
    }
    text = '';
  }
  const size = bytes ? bytes.length : text.length;
  if (size > maxBytes) {
    return fail(
      new Hl7Error('TLR_ERR_HL7_MESSAGE_TOO_LARGE', `Message of ${size} bytes exceeds the limit of ${maxBytes} bytes`, {
        condition: '100',
        location: { segment: 'MSH', occurrence: 1 },
      }),
    );
  }
  let d: Delimiters;
  if (startsWithDefaultMsh(bytes ?? text)) {
    // `MSH|^~\&|`, what nearly every message starts with: the delimiters are the default ones and valid.
    d = DEFAULT_DELIMITERS;
  } else {
    const head = bytes ? bytes.subarray(0, 4096).toString('latin1') : text.slice(0, 4096);
    if (head.trim() === '')
      return fail(
        new Hl7Error('TLR_ERR_HL7_EMPTY', 'The message is empty: an MSH segment is required', {
          condition: '100',
          location: { segment: 'MSH', occurrence: 1 },
        }),
      );
    if (!head.startsWith('MSH')) {
      const shown = JSON.stringify(head.slice(0, 12));
      return fail(
        new Hl7Error('TLR_ERR_HL7_NO_MSH', `The message must start with an MSH segment; it starts with ${shown}`, {
          condition: '100',
          location: { segment: 'MSH', occurrence: 1 },
        }),
      );
    }
    const delimiterError = checkDelimiters(head);
    if (delimiterError) return fail(delimiterError);
    d = { field: head[3]!, component: head[4]!, repetition: head[5]!, escape: head[6]!, subcomponent: head[7]! };
  }
  const mshLine = bytes ? firstLineOfBytes(bytes) : firstLine(text);
  const mshCodec = new Codec(d, 'UNICODE UTF-8');
  // MSH-18 is all that decoding needs (its first component, as `get(18)` reads it); the header is only
  // built for a failure's NACK.
  const declaredCharset = mshCodec.decode(firstValue(rawMshField(mshLine, d.field, 18), d));
  const declared = declaredCharset === '' ? undefined : declaredCharset;
  const rawHeader = (): MessageHeader => headerOf(new Segment('MSH', undefined, mshCodec, mshLine));

  let charset: Charset = 'UNICODE UTF-8';
  if (bytes) {
    try {
      const decoded = decodeText(bytes, declared);
      text = decoded.text;
      charset = decoded.charset;
      warnings.push(...decoded.warnings);
      errors.push(...decoded.errors);
    } catch (e) {
      return fail(e as Hl7Error, rawHeader());
    }
  } else if (declared !== undefined) {
    charset = declared as Charset;
    if (!['ASCII', 'UNICODE UTF-8'].includes(declared) && !declared.startsWith('8859/')) {
      return fail(
        new Hl7Error('TLR_ERR_CHARSET_UNSUPPORTED', `Unsupported character set "${declared}" in MSH-18`, {
          location: { segment: 'MSH', occurrence: 1, field: 18 },
          condition: '103',
        }),
        rawHeader(),
      );
    }
  }

  // C0 controls are the same bytes in every supported charset (and never inside a UTF-8 sequence):
  // one pass over the message tells whether any line needs the per-field search.
  const hasControl = bytes ? firstControlByte(bytes) >= 0 : CONTROL.test(text);
  const codec = new Codec(d, charset);
  const message = new Message(codec);
  message.hadBom = hadBom;

  let lineEnding: LineEnding = 'CR';
  let lines: string[];
  if (text.indexOf('\n') >= 0) {
    const hasCrlf = text.indexOf('\r\n') >= 0;
    const bareLf = /(^|[^\r])\n/.test(text);
    const bareCr = /\r(?!\n)/.test(text);
    lineEnding = hasCrlf && !bareLf && !bareCr ? 'CRLF' : !hasCrlf && !bareCr ? 'LF' : 'mixed';
    lines = text.split(/\r\n|\n|\r/);
    warnings.push(
      new Hl7Error(
        'TLR_ERR_HL7_LINE_ENDINGS',
        `Segments are separated by ${lineEnding === 'mixed' ? 'a mix of CR, LF and CRLF' : lineEnding} instead of CR`,
        { severity: 'W', condition: '100' },
      ),
    );
  } else {
    lines = text.split('\r');
  }
  message.lineEnding = lineEnding;
  message.trailingTerminator = lines.length > 1 && lines[lines.length - 1] === '';
  if (message.trailingTerminator) lines.pop();

  const occurrences = new Occurrences(lines);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (isBlank(line)) {
      warnings.push(
        new Hl7Error('TLR_ERR_HL7_EMPTY_SEGMENT', `Empty line after segment ${i} ignored`, { severity: 'W', condition: '100' }),
      );
      continue;
    }
    const name = line.slice(0, 3);
    if (!isSegmentId(line) || (line.length > 3 && line[3] !== d.field)) {
      // The location names the segment as written (non-printable bytes shown as '?') so the sender can find it.
      errors.push(
        new Hl7Error(
          'TLR_ERR_HL7_BAD_SEGMENT_ID',
          `Segment ${i + 1} starts with ${JSON.stringify(line.slice(0, 8))}: ` +
            `a segment id is three upper-case letters or digits followed by "${d.field}"`,
          { condition: '100', location: { segment: name.replace(/[^\x21-\x7e]/g, '?').padEnd(3, '?'), occurrence: occurrences.of(i) } },
        ),
      );
      continue;
    }
    if (name === 'MSH' && i > 0) {
      errors.push(
        new Hl7Error(
          'TLR_ERR_HL7_SECOND_MSH',
          `A second MSH segment starts at segment ${i + 1}: one message per frame (batches are not supported)`,
          { condition: '100', location: { segment: name, occurrence: occurrences.of(i) } },
        ),
      );
      continue;
    }
    // Fields are split when first read: the checks below run on the whole line.
    const segment = new Segment(name, undefined, codec, line);
    message.segments.push(segment);
    // MSH-2 (from index 4 to 7) holds the escape character itself: look past it.
    const escapeAt = line.indexOf(d.escape, name === 'MSH' ? 8 : 4);
    if (line.length > maxField || (hasControl && CONTROL.test(line)) || (escapeAt >= 0 && !escapesWellFormed(line, d, escapeAt))) {
      checkFields(segment, { segment: name, occurrence: occurrences.of(i) }, d, charset, maxField, errors, warnings);
    }
  }

  if (lineEnding === 'CR' && message.segments.length === lines.length)
    message.rememberSource(text, bytes && hadBom ? (typeof input === 'string' ? undefined : Buffer.from(input)) : bytes);
  const msh = message.segments[0]!;
  if (msh.fieldCount < 9) {
    errors.push(
      new Hl7Error(
        'TLR_ERR_HL7_TRUNCATED_MSH',
        `MSH ends at field ${msh.fieldCount}: the message is truncated (MSH-9 message type and MSH-10 control id are required)`,
        { condition: '101', location: { segment: 'MSH', occurrence: 1, field: msh.fieldCount + 1 } },
      ),
    );
  } else {
    if (msh.rawField(9) === '')
      errors.push(
        new Hl7Error('TLR_ERR_HL7_MISSING_MESSAGE_TYPE', 'MSH-9 (message type) is empty', {
          condition: '101',
          location: { segment: 'MSH', occurrence: 1, field: 9 },
        }),
      );
    if (msh.rawField(10) === '')
      errors.push(
        new Hl7Error('TLR_ERR_HL7_MISSING_CONTROL_ID', 'MSH-10 (message control id) is empty', {
          condition: '101',
          location: { segment: 'MSH', occurrence: 1, field: 10 },
        }),
      );
  }
  let header: MessageHeader | undefined;
  // Computed on first read: most receivers only look at it to address an acknowledgement.
  return {
    message,
    get header() {
      header ??= headerOf(msh);
      return header;
    },
    errors,
    warnings,
  };
}

function isBlank(line: string): boolean {
  return line === '' || line.trim() === '';
}

/**
 * Occurrence numbers of the segments (the n-th PID…), for error locations only: counted when a
 * location first needs one, up to that line, so that a message without problems never counts.
 * Lines must be asked for in increasing order, as the parse loop does.
 */
class Occurrences {
  readonly #lines: readonly string[];
  readonly #counts = new Map<string, number>();
  #next = 0;

  constructor(lines: readonly string[]) {
    this.#lines = lines;
  }

  /** Occurrence of the segment id of line `i` among the non-blank lines up to it. */
  of(i: number): number {
    for (; this.#next <= i; this.#next++) {
      const line = this.#lines[this.#next]!;
      if (isBlank(line)) continue;
      const name = line.slice(0, 3);
      this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
    }
    return this.#counts.get(this.#lines[i]!.slice(0, 3)) ?? 0;
  }
}

function checkDelimiters(head: string): Hl7Error | undefined {
  const at = (field: number): Location => ({ segment: 'MSH', occurrence: 1, field });
  const fs = head[3];
  if (fs === undefined || /[A-Za-z0-9\s]/.test(fs) || fs.charCodeAt(0) < 0x21 || fs.charCodeAt(0) > 0x7e) {
    return new Hl7Error(
      'TLR_ERR_HL7_BAD_FIELD_SEPARATOR',
      `MSH-1 (field separator) must be a printable non-alphanumeric character, found ${JSON.stringify(fs ?? '')}`,
      { condition: '100', location: at(1) },
    );
  }
  const end = head.indexOf(fs, 4);
  const enc = end < 0 ? head.slice(4).split(/[\r\n]/)[0]! : head.slice(4, end);
  if (enc.length !== 4) {
    return new Hl7Error(
      'TLR_ERR_HL7_BAD_ENCODING_CHARACTERS',
      'MSH-2 (encoding characters) must hold exactly 4 characters (component, repetition, escape, sub-component), ' +
        `found ${JSON.stringify(enc)}`,
      { condition: '100', location: at(2) },
    );
  }
  const chars = [fs, ...enc];
  for (const c of enc) {
    if (/[A-Za-z0-9\s]/.test(c) || c.charCodeAt(0) < 0x21 || c.charCodeAt(0) > 0x7e) {
      return new Hl7Error('TLR_ERR_HL7_BAD_ENCODING_CHARACTERS', `MSH-2 contains ${JSON.stringify(c)}, which cannot be a delimiter`, {
        condition: '100',
        location: at(2),
      });
    }
  }
  if (new Set(chars).size !== chars.length) {
    return new Hl7Error(
      'TLR_ERR_HL7_BAD_ENCODING_CHARACTERS',
      `MSH-1 and MSH-2 must be five distinct characters, found ${JSON.stringify(fs + enc)}`,
      { condition: '100', location: at(2) },
    );
  }
  return undefined;
}

const DEFAULT_MSH = 'MSH|^~\\&|';

/** Whether the message starts with `MSH|^~\\&|` (bytes or text). */
function startsWithDefaultMsh(input: Buffer | string): boolean {
  if (typeof input === 'string') return input.startsWith(DEFAULT_MSH);
  if (input.length < DEFAULT_MSH.length) return false;
  for (let i = 0; i < DEFAULT_MSH.length; i++) if (input[i] !== DEFAULT_MSH.charCodeAt(i)) return false;
  return true;
}

/** ER7 text of MSH-`n` (n ≥ 3) in the MSH line, without splitting the line ('' when absent). */
function rawMshField(line: string, fs: string, n: number): string {
  // MSH-1 is the separator at index 3, so MSH-n starts after the (n - 1)th separator.
  let at = 3;
  for (let k = 2; k < n && at >= 0; k++) at = line.indexOf(fs, at + 1);
  if (at < 0) return '';
  const end = line.indexOf(fs, at + 1);
  return line.slice(at + 1, end < 0 ? line.length : end);
}

/** The first sub-component of the first component of the first repetition of a raw field. */
function firstValue(raw: string, d: Delimiters): string {
  let end = raw.length;
  for (const delimiter of [d.repetition, d.component, d.subcomponent]) {
    const at = raw.indexOf(delimiter);
    if (at >= 0 && at < end) end = at;
  }
  return end === raw.length ? raw : raw.slice(0, end);
}

function firstLine(text: string): string {
  const cr = text.indexOf('\r');
  const lf = text.indexOf('\n');
  const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
  return end < 0 ? text : text.slice(0, end);
}

/** The first line of the wire bytes as latin1 text (MSH is ASCII): only that line is decoded. */
function firstLineOfBytes(bytes: Buffer): string {
  const window = bytes.subarray(0, Math.min(bytes.length, 65536));
  const cr = window.indexOf(0x0d);
  const lf = window.indexOf(0x0a);
  const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
  return window.toString('latin1', 0, end < 0 ? window.length : end);
}

/** Offset of the first C0 control other than TAB, LF, CR (or of DEL), -1 when there is none. */
function firstControlByte(bytes: Uint8Array): number {
  const length = bytes.length;
  // Bytes before the first 4-byte boundary, then four bytes at a time, then the tail.
  const head = Math.min((4 - (bytes.byteOffset & 3)) & 3, length);
  const found = firstControlByteIn(bytes, 0, head);
  if (found >= 0) return found;
  const words = (length - head) >> 2;
  if (words > 0) {
    const view = new Int32Array(bytes.buffer, bytes.byteOffset + head, words);
    for (let w = 0; w < words; w++) {
      // SWAR tests, exact as to whether a byte matches (HAKMEM / "Bit Twiddling Hacks"): the high bit
      // of some byte of `(x - 0x20…) & ~x` is set iff a byte of x is below 0x20; same for y === 0 with
      // y = x ^ 0x7f…, iff a byte of x is DEL. Only a word with a candidate is looked at byte by byte
      // (TAB, LF and CR are candidates too, hence the second look).
      const x = view[w]!;
      const y = x ^ 0x7f7f7f7f;
      if ((((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y)) & 0x80808080) {
        const at = head + 4 * w;
        const inWord = firstControlByteIn(bytes, at, at + 4);
        if (inWord >= 0) return inWord;
      }
    }
  }
  return firstControlByteIn(bytes, head + 4 * words, length);
}

function firstControlByteIn(bytes: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) return i;
  }
  return -1;
}

/**
 * True when every escape sequence of raw ER7 text, from its first escape character at `start`, is
 * closed, stays inside one sub-component and is one of the common ones (\\F\\ \\S\\ \\T\\ \\R\\ \\E\\
 * \\H\\ \\N\\ \\.br\\ \\.fi\\ \\.nf\\ \\.ce\\ \\Xhh…\\): checked without splitting or decoding anything.
 * Anything else goes through the full check, which locates it.
 *
 * Run on a whole segment, it gives the same answer as field by field: none of the accepted
 * sequences contains a delimiter, so a pairing of escape characters that crosses a field,
 * component or sub-component boundary is never accepted, and one that does not is the pairing of
 * each field on its own.
 */
function escapesWellFormed(raw: string, d: Delimiters, start = raw.indexOf(d.escape)): boolean {
  while (start >= 0) {
    const end = raw.indexOf(d.escape, start + 1);
    if (end < 0 || end === start + 1) return false;
    const length = end - start - 1;
    const first = raw.charCodeAt(start + 1);
    if (length === 1) {
      // F S T R E H N
      if (first !== 0x46 && first !== 0x53 && first !== 0x54 && first !== 0x52 && first !== 0x45 && first !== 0x48 && first !== 0x4e)
        return false;
    } else if (first === 0x58 /* X */) {
      if ((length - 1) % 2 !== 0) return false;
      for (let i = start + 2; i < end; i++) {
        const c = raw.charCodeAt(i);
        if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66))) return false;
      }
    } else {
      const body = raw.slice(start + 1, end);
      if (body !== '.br' && body !== '.fi' && body !== '.nf' && body !== '.ce') return false;
    }
    start = raw.indexOf(d.escape, end + 1);
  }
  return true;
}

/** A segment id at the start of a line: an upper-case letter, then two upper-case letters or digits. */
function isSegmentId(line: string): boolean {
  if (line.length < 3) return false;
  const a = line.charCodeAt(0);
  const b = line.charCodeAt(1);
  const c = line.charCodeAt(2);
  return (
    a >= 0x41 &&
    a <= 0x5a &&
    ((b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39)) &&
    ((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))
  );
}

function checkFields(
  segment: Segment,
  where: Location,
  d: Delimiters,
  charset: Charset,
  maxField: number,
  errors: Hl7Error[],
  warnings: Hl7Error[],
): void {
  const start = segment.name === 'MSH' ? 3 : 1;
  for (let n = start; n <= segment.fieldCount; n++) {
    const raw = segment.rawField(n);
    if (raw.length <= maxField && !CONTROL.test(raw) && escapesWellFormed(raw, d)) continue;
    const at: Location = { ...where, field: n };
    if (raw.length > maxField) {
      errors.push(
        new Hl7Error('TLR_ERR_HL7_FIELD_TOO_LONG', `Field of ${raw.length} characters exceeds the limit of ${maxField}`, {
          condition: '102',
          location: at,
        }),
      );
      continue;
    }
    const control = CONTROL.exec(raw);
    if (control) {
      const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
      errors.push(
        new Hl7Error(
          'TLR_ERR_HL7_CONTROL_CHARACTER',
          `Control character 0x${code} at character ${control.index + 1}: binary data must be base64-encoded or escaped as \\X${code}\\`,
          { condition: '102', location: at },
        ),
      );
      continue;
    }
    if (raw.indexOf(d.escape) < 0) continue;
    const reps = raw.split(d.repetition);
    reps.forEach((rep, ri) => {
      rep.split(d.component).forEach((comp, ci) => {
        comp.split(d.subcomponent).forEach((sub, si) => {
          if (sub.indexOf(d.escape) < 0) return;
          unescapeValue(sub, d, charset, (p) => {
            const loc: Location = { ...at, component: ci + 1, subcomponent: si + 1 };
            if (reps.length > 1) loc.repetition = ri + 1;
            const err = new Hl7Error(p.code, p.message, { condition: '102', severity: p.severity, location: loc });
            (p.severity === 'E' ? errors : warnings).push(err);
          });
        });
      });
    });
  }
}

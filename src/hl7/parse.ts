import { hasUtf8Bom, decodeText } from './charset.js';
import type { Charset } from './charset.js';
import { Codec } from './codec.js';
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
const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;
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
    text = input.charCodeAt(0) === 0xfeff ? ((hadBom = true), input.slice(1)) : input;
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
    return fail(new Hl7Error('TLR_ERR_HL7_MESSAGE_TOO_LARGE', `Message of ${size} bytes exceeds the limit of ${maxBytes} bytes`, { condition: '100', location: { segment: 'MSH', occurrence: 1 } }));
  }
  const head = bytes ? bytes.subarray(0, 4096).toString('latin1') : text.slice(0, 4096);
  if (head.trim() === '') return fail(new Hl7Error('TLR_ERR_HL7_EMPTY', 'The message is empty: an MSH segment is required', { condition: '100', location: { segment: 'MSH', occurrence: 1 } }));
  if (!head.startsWith('MSH')) {
    const shown = JSON.stringify(head.slice(0, 12));
    return fail(new Hl7Error('TLR_ERR_HL7_NO_MSH', `The message must start with an MSH segment; it starts with ${shown}`, { condition: '100', location: { segment: 'MSH', occurrence: 1 } }));
  }
  const delimiterError = checkDelimiters(head);
  if (delimiterError) return fail(delimiterError);
  const d: Delimiters = {
    field: head[3]!, component: head[4]!, repetition: head[5]!, escape: head[6]!, subcomponent: head[7]!,
  };
  const mshLine = firstLine(bytes ? bytes.subarray(0, Math.min(bytes.length, 65536)).toString('latin1') : text);
  const rawHeader = headerOf(new Segment('MSH', splitMsh(mshLine, d), new Codec(d, 'UNICODE UTF-8')));
  const declared = rawHeader.charset === '' ? undefined : rawHeader.charset;

  let charset: Charset = 'UNICODE UTF-8';
  if (bytes) {
    try {
      const decoded = decodeText(bytes, declared);
      text = decoded.text;
      charset = decoded.charset;
      warnings.push(...decoded.warnings);
      errors.push(...decoded.errors);
    } catch (e) {
      return fail(e as Hl7Error, rawHeader);
    }
  } else if (declared !== undefined) {
    charset = (declared as Charset);
    if (!['ASCII', 'UNICODE UTF-8'].includes(declared) && !declared.startsWith('8859/')) {
      return fail(new Hl7Error('TLR_ERR_CHARSET_UNSUPPORTED', `Unsupported character set "${declared}" in MSH-18`, { location: { segment: 'MSH', occurrence: 1, field: 18 }, condition: '103' }), rawHeader);
    }
  }

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
    warnings.push(new Hl7Error('TLR_ERR_HL7_LINE_ENDINGS',
      `Segments are separated by ${lineEnding === 'mixed' ? 'a mix of CR, LF and CRLF' : lineEnding} instead of CR`, { severity: 'W', condition: '100' }));
  } else {
    lines = text.split('\r');
  }
  message.lineEnding = lineEnding;
  message.trailingTerminator = lines.length > 1 && lines[lines.length - 1] === '';
  if (message.trailingTerminator) lines.pop();

  const counts = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '' || line.trim() === '') {
      warnings.push(new Hl7Error('TLR_ERR_HL7_EMPTY_SEGMENT', `Empty line after segment ${i} ignored`, { severity: 'W', condition: '100' }));
      continue;
    }
    const name = line.slice(0, 3);
    const occurrence = (counts.get(name) ?? 0) + 1;
    counts.set(name, occurrence);
    const where: Location = { segment: name, occurrence };
    if (!SEGMENT_ID.test(name) || (line.length > 3 && line[3] !== d.field)) {
      // The location names the segment as written (non-printable bytes shown as '?') so the sender can find it.
      errors.push(new Hl7Error('TLR_ERR_HL7_BAD_SEGMENT_ID',
        `Segment ${i + 1} starts with ${JSON.stringify(line.slice(0, 8))}: a segment id is three upper-case letters or digits followed by "${d.field}"`,
        { condition: '100', location: { segment: name.replace(/[^\x21-\x7e]/g, '?').padEnd(3, '?'), occurrence } }));
      continue;
    }
    if (name === 'MSH' && i > 0) {
      errors.push(new Hl7Error('TLR_ERR_HL7_SECOND_MSH', `A second MSH segment starts at segment ${i + 1}: one message per frame (batches are not supported)`, { condition: '100', location: where }));
      continue;
    }
    const fields = name === 'MSH' ? splitMsh(line, d) : line.split(d.field);
    const segment = new Segment(name, fields, codec);
    message.segments.push(segment);
    if (line.length > maxField || CONTROL.test(line) || line.indexOf(d.escape) >= 0) {
      checkFields(segment, where, d, charset, maxField, errors, warnings);
    }
  }

  const msh = message.segments[0]!;
  if (msh.fieldCount < 9) {
    errors.push(new Hl7Error('TLR_ERR_HL7_TRUNCATED_MSH',
      `MSH ends at field ${msh.fieldCount}: the message is truncated (MSH-9 message type and MSH-10 control id are required)`,
      { condition: '101', location: { segment: 'MSH', occurrence: 1, field: msh.fieldCount + 1 } }));
  } else {
    if (msh.rawField(9) === '') errors.push(new Hl7Error('TLR_ERR_HL7_MISSING_MESSAGE_TYPE', 'MSH-9 (message type) is empty', { condition: '101', location: { segment: 'MSH', occurrence: 1, field: 9 } }));
    if (msh.rawField(10) === '') errors.push(new Hl7Error('TLR_ERR_HL7_MISSING_CONTROL_ID', 'MSH-10 (message control id) is empty', { condition: '101', location: { segment: 'MSH', occurrence: 1, field: 10 } }));
  }
  return { message, header: headerOf(msh), errors, warnings };
}

function checkDelimiters(head: string): Hl7Error | undefined {
  const at = (field: number): Location => ({ segment: 'MSH', occurrence: 1, field });
  const fs = head[3];
  if (fs === undefined || /[A-Za-z0-9\s]/.test(fs) || fs.charCodeAt(0) < 0x21 || fs.charCodeAt(0) > 0x7e) {
    return new Hl7Error('TLR_ERR_HL7_BAD_FIELD_SEPARATOR',
      `MSH-1 (field separator) must be a printable non-alphanumeric character, found ${JSON.stringify(fs ?? '')}`, { condition: '100', location: at(1) });
  }
  const end = head.indexOf(fs, 4);
  const enc = end < 0 ? head.slice(4).split(/[\r\n]/)[0]! : head.slice(4, end);
  if (enc.length !== 4) {
    return new Hl7Error('TLR_ERR_HL7_BAD_ENCODING_CHARACTERS',
      `MSH-2 (encoding characters) must hold exactly 4 characters (component, repetition, escape, sub-component), found ${JSON.stringify(enc)}`,
      { condition: '100', location: at(2) });
  }
  const chars = [fs, ...enc];
  for (const c of enc) {
    if (/[A-Za-z0-9\s]/.test(c) || c.charCodeAt(0) < 0x21 || c.charCodeAt(0) > 0x7e) {
      return new Hl7Error('TLR_ERR_HL7_BAD_ENCODING_CHARACTERS', `MSH-2 contains ${JSON.stringify(c)}, which cannot be a delimiter`, { condition: '100', location: at(2) });
    }
  }
  if (new Set(chars).size !== chars.length) {
    return new Hl7Error('TLR_ERR_HL7_BAD_ENCODING_CHARACTERS', `MSH-1 and MSH-2 must be five distinct characters, found ${JSON.stringify(fs + enc)}`, { condition: '100', location: at(2) });
  }
  return undefined;
}

function firstLine(text: string): string {
  const cr = text.indexOf('\r');
  const lf = text.indexOf('\n');
  const end = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
  return end < 0 ? text : text.slice(0, end);
}

/** MSH fields: MSH-1 is the separator itself, MSH-2 the encoding characters. */
function splitMsh(line: string, d: Delimiters): string[] {
  const parts = line.split(d.field);
  // parts[0] = 'MSH', parts[1] = MSH-2, parts[2] = MSH-3 …: insert MSH-1.
  parts.splice(1, 0, d.field);
  return parts;
}

function checkFields(segment: Segment, where: Location, d: Delimiters, charset: Charset, maxField: number, errors: Hl7Error[], warnings: Hl7Error[]): void {
  const start = segment.name === 'MSH' ? 3 : 1;
  for (let n = start; n <= segment.fieldCount; n++) {
    const raw = segment.fields[n]!;
    const at: Location = { ...where, field: n };
    if (raw.length > maxField) {
      errors.push(new Hl7Error('TLR_ERR_HL7_FIELD_TOO_LONG', `Field of ${raw.length} characters exceeds the limit of ${maxField}`, { condition: '102', location: at }));
      continue;
    }
    const control = CONTROL.exec(raw);
    if (control) {
      const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
      errors.push(new Hl7Error('TLR_ERR_HL7_CONTROL_CHARACTER',
        `Control character 0x${code} at character ${control.index + 1}: binary data must be base64-encoded or escaped as \\X${code}\\`, { condition: '102', location: at }));
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

import type { Charset } from './charset.js';
import { encodeText, isSupportedCharset } from './charset.js';
import { formatTS } from './datatypes.js';
import type { ErrorCondition, ErrorSeverity } from './errors.js';
import { ERROR_CONDITION_NAMES, Hl7Error } from './errors.js';
import type { Location } from './location.js';
import { toErl } from './location.js';
import type { MessageHeader } from './message.js';
import { Message } from './message.js';
import { newControlId } from './control-id.js';

/** MSA-1 in original acknowledgement mode. */
export type AckCode = 'AA' | 'AE' | 'AR';

/** One ERR segment of an acknowledgement. */
export interface AckError {
  /** ERR-3, HL7 table 0357. */
  condition: ErrorCondition;
  /** ERR-4, HL7 table 0516. */
  severity: ErrorSeverity;
  /** ERR-2 (ERL). */
  location?: Location | undefined;
  /** ERR-8 user message: what a person reading the ACK should know. */
  message?: string | undefined;
  /** ERR-5 application error code (e.g. the validator rule id), as CWE.1. */
  applicationCode?: string | undefined;
}

export interface AckOptions {
  code: AckCode;
  errors?: readonly AckError[];
  /** MSH-10 of the ACK (default: a new unique id). */
  controlId?: string;
  /** MSH-7 (default: now). */
  timestamp?: Date;
  /** MSH-18 (default: the original's when supported, else UNICODE UTF-8, as the volet allows both). */
  charset?: Charset;
  /** MSA-3 text message (deprecated in v2.5.1 but read by older systems). */
  text?: string;
}

/** An acknowledgement error from a parse or validation problem. */
export function ackErrorFrom(e: Hl7Error): AckError {
  return { condition: e.condition, severity: e.severity, location: e.location, message: e.message, applicationCode: e.code };
}

/**
 * Builds the acknowledgement of a message: MSH-3..6 swapped from the original, MSH-9 =
 * `ACK^<original trigger>^ACK`, MSH-11 copied, MSA-2 = original MSH-10, one ERR per error with
 * ERR-2 location, ERR-3 from table 0357, ERR-4 from table 0516 and ERR-8 a readable message
 * (ack.md §3–§5). Works from a parsed message or from the best-effort header of one that could
 * not be parsed, so that every input gets an answer.
 */
export function buildAck(original: Message | MessageHeader, options: AckOptions): Message {
  const h = original instanceof Message ? original.header : original;
  const charset =
    options.charset ??
    (isSupportedCharset(h.charset) && (h.charset === 'UNICODE UTF-8' || h.charset === '8859/15') ? h.charset : 'UNICODE UTF-8');
  const ack = Message.create({ charset });
  const msh = ack.msh;
  msh.setRaw(3, echoedRaw(h.raw.receivingApplication));
  msh.setRaw(4, echoedRaw(h.raw.receivingFacility));
  msh.setRaw(5, echoedRaw(h.raw.sendingApplication));
  msh.setRaw(6, echoedRaw(h.raw.sendingFacility));
  msh.set(7, formatTS(options.timestamp ?? new Date()));
  msh.setComponents(9, ['ACK', echoed(h.triggerEvent), 'ACK']);
  msh.set(10, options.controlId ?? newControlId());
  msh.set(11, /^[PTD]$/.test(h.processingId) ? h.processingId : 'P');
  msh.set(12, '2.5.1');
  msh.set(17, 'FRA');
  const msa = ack.addSegment('MSA').set(1, options.code).set(2, echoed(h.controlId));
  if (options.text) msa.set(3, echoed(options.text));
  for (const e of options.errors ?? []) {
    const err = ack.addSegment('ERR');
    if (e.location) err.setComponents(2, toErl(e.location));
    err.setComponents(3, [e.condition, ERROR_CONDITION_NAMES[e.condition], 'HL70357']);
    err.set(4, e.severity);
    if (e.applicationCode) err.setComponents(5, [e.applicationCode]);
    if (e.message) err.set(8, echoed(e.message));
  }
  // An answer in 8859/15 must be writable in it (echoed text may hold characters it lacks), and must not
  // read as UTF-8 too (mojibake such as "Ã©" in the original would make a lenient receiver, ours
  // included, decode it as UTF-8): otherwise it is written in UTF-8.
  if (charset === '8859/15' && options.charset === undefined && !cleanlyWritable(ack.toString(), charset)) {
    return buildAck(original, { ...options, charset: 'UNICODE UTF-8' });
  }
  return ack;
}

/**
 * A value of the original written back into the acknowledgement, without the control characters the
 * original may have carried (that is often why it is refused): the answer itself must be valid ER7.
 */
function echoed(value: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x08\x0b-\x1f\x7f]/.test(value) ? value.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '') : value;
}

/**
 * A raw HD of the original (MSH-3…6) written back as it came, so that its components survive, but
 * made valid in our message: no control characters, no field separator or segment terminator of ours
 * (an original with other delimiters may carry them as data), and no escape sequence left open (an
 * unmatched escape character is written as the escape of itself, `\E\`).
 */
function echoedRaw(value: string): string {
  const cleaned = echoed(value);
  const v = /[|\r\n]/.test(cleaned) ? cleaned.replace(/[|\r\n]/g, '') : cleaned;
  let escapes = 0;
  for (let at = v.indexOf('\\'); at >= 0; at = v.indexOf('\\', at + 1)) escapes++;
  if (escapes % 2 === 0) return v;
  const last = v.lastIndexOf('\\');
  return `${v.slice(0, last)}\\E\\${v.slice(last + 1)}`;
}

function cleanlyWritable(text: string, charset: Charset): boolean {
  try {
    encodeText(text, charset);
  } catch {
    return false;
  }
  return !/[\u00c2-\u00f4][\u0080-\u00bf]/.test(text);
}

/** MSA-1 and MSA-2 of an acknowledgement, with its ERR segments read back. */
export interface AckSummary {
  code: string;
  acknowledgedControlId: string;
  errors: AckError[];
}

/** Reads MSA and ERR of an acknowledgement. Throws `Hl7Error` when there is no MSA. */
export function readAck(ack: Message): AckSummary {
  const msa = ack.segment('MSA');
  if (!msa) throw new Hl7Error('TLR_ERR_HL7_BAD_VALUE', 'The acknowledgement has no MSA segment', { location: { segment: 'MSA' } });
  const errors: AckError[] = ack.all('ERR').map((err) => {
    const erl = err.field(2);
    const location: Location | undefined =
      erl.get(1) === ''
        ? undefined
        : {
            segment: erl.get(1),
            occurrence: Number(erl.get(2)) || 1,
            ...(erl.get(3) ? { field: Number(erl.get(3)) } : {}),
            ...(erl.get(4) ? { repetition: Number(erl.get(4)) } : {}),
            ...(erl.get(5) ? { component: Number(erl.get(5)) } : {}),
            ...(erl.get(6) ? { subcomponent: Number(erl.get(6)) } : {}),
          };
    return {
      condition: err.get('3.1') as ErrorCondition,
      severity: err.get(4) as ErrorSeverity,
      location,
      message: err.get(8) || err.get('3.2'),
      applicationCode: err.get('5.1') || undefined,
    };
  });
  return { code: msa.get(1), acknowledgedControlId: msa.get(2), errors };
}

import { formatTS, parisOffsetMinutes, readTS } from '../hl7/index.js';
import { TlrBuildError } from './errors.js';

/**
 * A date or date-time of the domain, as ISO 8601 text with the precision it is known to:
 * `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh`, `YYYY-MM-DDThh:mm`, `YYYY-MM-DDThh:mm:ss`,
 * `YYYY-MM-DDThh:mm:ss.s` (1–4 fraction digits), each with a time optionally followed by a UTC
 * offset `±hh:mm` (or `Z`, read back as `+00:00`).
 *
 * Text rather than `Date` because HL7 TS values carry a precision (a birth date is a day, not an
 * instant) and may have no offset (the sender's local time): a `Date` would invent both. The text
 * also survives JSON, which the gateway's store and API need. It maps one-to-one onto HL7 TS:
 * `2026-01-06T13:44:18+01:00` ⇄ `20260106134418+0100`.
 */
export type DateTime = string;

const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,4}))?)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const HL7 = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;

/** True when `value` is a well-formed {@link DateTime} denoting a real calendar date and time. */
export function isDateTime(value: string): boolean {
  const ts = isoToTs(value);
  return ts !== undefined && readTS(ts) !== undefined;
}

/** The HL7 TS form of a {@link DateTime}. Throws `TlrBuildError` (`path` names the value) when it is not one. */
export function toHl7DateTime(value: DateTime, path = 'value'): string {
  const ts = isoToTs(value);
  if (ts === undefined || readTS(ts) === undefined) {
    throw new TlrBuildError(
      'TLR_ERR_BUILD_INVALID_VALUE',
      path,
      `"${value}" is not an ISO 8601 date/time such as 2026-01-06, 2026-01-06T13:44:18 or 2026-01-06T13:44:18+01:00`,
    );
  }
  return ts;
}

/** The {@link DateTime} of an HL7 TS value, at the precision it was written with; undefined when it is not a valid TS. */
export function fromHl7DateTime(ts: string): DateTime | undefined {
  const m = HL7.exec(ts);
  if (!m || readTS(ts) === undefined) return undefined;
  const [, y, mo, d, h, mi, s, f, off] = m;
  let out = y!;
  if (mo !== undefined) out += `-${mo}`;
  if (d !== undefined) out += `-${d}`;
  if (h !== undefined) out += `T${h}`;
  if (mi !== undefined) out += `:${mi}`;
  if (s !== undefined) out += `:${s}`;
  if (f !== undefined) out += `.${f}`;
  // An offset is only meaningful with a time; HL7 tolerates it after a date, ISO 8601 does not.
  if (off !== undefined && h !== undefined) out += `${off.slice(0, 3)}:${off.slice(3)}`;
  return out;
}

/**
 * The {@link DateTime} of an instant, at second precision, in the given UTC offset (default: the
 * offset of Europe/Paris at that instant, as French systems write local time).
 */
export function dateTimeFromDate(date: Date, offsetMinutes: number = parisOffsetMinutes(date)): DateTime {
  // One formatter of instants for every layer: HL7 TS at second precision, read back as ISO text.
  return fromHl7DateTime(formatTS(date, 'second', offsetMinutes))!;
}

/**
 * The instant of a {@link DateTime} (its start, for a reduced precision). A value without offset is
 * the sender's local time, read as Europe/Paris. Undefined when the text is not a valid DateTime.
 */
export function dateTimeToDate(value: DateTime): Date | undefined {
  const ts = isoToTs(value);
  const parsed = ts === undefined ? undefined : readTS(ts);
  if (!parsed) return undefined;
  const utc = Date.UTC(parsed.year, parsed.month - 1, parsed.day, parsed.hour, parsed.minute, parsed.second, parsed.millisecond);
  if (parsed.offsetMinutes !== undefined) return new Date(utc - parsed.offsetMinutes * 60_000);
  // Local Paris time: the offset depends on the instant itself; one correction step is exact except inside the DST gap.
  const guess = parisOffsetMinutes(new Date(utc));
  return new Date(utc - parisOffsetMinutes(new Date(utc - guess * 60_000)) * 60_000);
}

function isoToTs(value: string): string | undefined {
  const m = ISO.exec(value);
  if (!m) return undefined;
  const [, y, mo = '', d = '', h = '', mi = '', s = '', f, off] = m;
  let out = y! + mo + d + h + mi + s;
  if (f !== undefined) out += `.${f}`;
  if (off !== undefined) out += off === 'Z' ? '+0000' : off.replace(':', '');
  return out;
}

import type { Composite } from './composite.js';

/**
 * Typed readers for the HL7 v2.5.1 data types the Téléradiologie volet uses. Each takes one
 * repetition (a `Composite`) and returns decoded values; empty components read as ''.
 */

/** HD — hierarchic designator (namespace id, universal id, universal id type), read from sub-components or components. */
export interface HD {
  namespaceId: string;
  universalId: string;
  universalIdType: string;
}
/** EI — entity identifier. */
export interface EI {
  entityIdentifier: string;
  namespaceId: string;
  universalId: string;
  universalIdType: string;
}
/** CX — extended composite id (patient identifiers, INS). */
export interface CX {
  id: string;
  checkDigit: string;
  checkDigitScheme: string;
  assigningAuthority: HD;
  identifierTypeCode: string;
  assigningFacility: HD;
}
/** XCN — extended composite id and name for persons (professionals: PS_IdNat, RPPS). */
export interface XCN {
  id: string;
  familyName: string;
  givenName: string;
  secondNames: string;
  suffix: string;
  prefix: string;
  degree: string;
  sourceTable: string;
  assigningAuthority: HD;
  nameTypeCode: string;
  checkDigit: string;
  checkDigitScheme: string;
  identifierTypeCode: string;
  assigningFacility: HD;
}
/** XON — extended composite name and id for organisations (FINESS, Struct_IdNat). */
export interface XON {
  organizationName: string;
  organizationNameTypeCode: string;
  idNumber: string;
  checkDigit: string;
  checkDigitScheme: string;
  assigningAuthority: HD;
  identifierTypeCode: string;
  assigningFacility: HD;
  nameRepresentationCode: string;
  organizationIdentifier: string;
}
/** CE / CWE — coded element (CWE adds versions and original text). */
export interface CWE {
  identifier: string;
  text: string;
  codingSystem: string;
  alternateIdentifier: string;
  alternateText: string;
  alternateCodingSystem: string;
  codingSystemVersion: string;
  alternateCodingSystemVersion: string;
  originalText: string;
}
export type CE = Pick<CWE, 'identifier' | 'text' | 'codingSystem' | 'alternateIdentifier' | 'alternateText' | 'alternateCodingSystem'>;
/** ED — encapsulated data. */
export interface ED {
  sourceApplication: HD;
  typeOfData: string;
  dataSubtype: string;
  encoding: string;
  data: string;
}

function hdFromSubs(rep: Composite, c: number): HD {
  const [namespaceId = '', universalId = '', universalIdType = ''] = rep.subs(c);
  return { namespaceId, universalId, universalIdType };
}

/** HD read from the components of a field (MSH-3, MSH-4…). */
export function readHD(rep: Composite): HD {
  return { namespaceId: rep.get(1), universalId: rep.get(2), universalIdType: rep.get(3) };
}

export function readEI(rep: Composite): EI {
  return { entityIdentifier: rep.get(1), namespaceId: rep.get(2), universalId: rep.get(3), universalIdType: rep.get(4) };
}

export function readCX(rep: Composite): CX {
  return {
    id: rep.get(1),
    checkDigit: rep.get(2),
    checkDigitScheme: rep.get(3),
    assigningAuthority: hdFromSubs(rep, 4),
    identifierTypeCode: rep.get(5),
    assigningFacility: hdFromSubs(rep, 6),
  };
}

export function readXCN(rep: Composite): XCN {
  return {
    id: rep.get(1),
    familyName: rep.get(2, 1),
    givenName: rep.get(3),
    secondNames: rep.get(4),
    suffix: rep.get(5),
    prefix: rep.get(6),
    degree: rep.get(7),
    sourceTable: rep.get(8),
    assigningAuthority: hdFromSubs(rep, 9),
    nameTypeCode: rep.get(10),
    checkDigit: rep.get(11),
    checkDigitScheme: rep.get(12),
    identifierTypeCode: rep.get(13),
    assigningFacility: hdFromSubs(rep, 14),
  };
}

export function readXON(rep: Composite): XON {
  return {
    organizationName: rep.get(1),
    organizationNameTypeCode: rep.get(2),
    idNumber: rep.get(3),
    checkDigit: rep.get(4),
    checkDigitScheme: rep.get(5),
    assigningAuthority: hdFromSubs(rep, 6),
    identifierTypeCode: rep.get(7),
    assigningFacility: hdFromSubs(rep, 8),
    nameRepresentationCode: rep.get(9),
    organizationIdentifier: rep.get(10),
  };
}

export function readCWE(rep: Composite): CWE {
  return {
    identifier: rep.get(1),
    text: rep.get(2),
    codingSystem: rep.get(3),
    alternateIdentifier: rep.get(4),
    alternateText: rep.get(5),
    alternateCodingSystem: rep.get(6),
    codingSystemVersion: rep.get(7),
    alternateCodingSystemVersion: rep.get(8),
    originalText: rep.get(9),
  };
}

export function readCE(rep: Composite): CE {
  return {
    identifier: rep.get(1),
    text: rep.get(2),
    codingSystem: rep.get(3),
    alternateIdentifier: rep.get(4),
    alternateText: rep.get(5),
    alternateCodingSystem: rep.get(6),
  };
}

export function readED(rep: Composite): ED {
  return { sourceApplication: hdFromSubs(rep, 1), typeOfData: rep.get(2), dataSubtype: rep.get(3), encoding: rep.get(4), data: rep.get(5) };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** True when `data` is canonical base64: the alphabet, padding, and a non-zero multiple of 4 characters. */
export function isBase64(data: string): boolean {
  return data.length > 0 && data.length % 4 === 0 && BASE64.test(data);
}

/** The bytes of an ED whose encoding is Base64 (or `A`, plain text); undefined when the data is not valid. */
export function edBytes(ed: ED): Buffer | undefined {
  const enc = ed.encoding.toLowerCase();
  if (enc === 'base64') return isBase64(ed.data) ? Buffer.from(ed.data, 'base64') : undefined;
  if (enc === 'a' || enc === '') return Buffer.from(ed.data, 'utf8');
  if (enc === 'hex') return /^(?:[0-9A-Fa-f]{2})*$/.test(ed.data) ? Buffer.from(ed.data, 'hex') : undefined;
  return undefined;
}

const NM = /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/;

/** NM — numeric; undefined when the text is not an HL7 number. */
export function readNM(value: string): number | undefined {
  return NM.test(value) ? Number(value) : undefined;
}

export type TimePrecision = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction';

/** TS / DTM — a point in time with the precision it was written with and its UTC offset if any. */
export interface TimeStamp {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  precision: TimePrecision;
  /** Offset from UTC in minutes (`+0100` → 60); undefined when the value has none (sender's local time). */
  offsetMinutes: number | undefined;
  /** The value as written. */
  text: string;
}

const TS = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.(\d{1,4}))?)?)?)?)?)?([+-]\d{4})?$/;

/**
 * Reads a TS/DTM value (`YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`), checking that it is a
 * real calendar date and time. Returns undefined when it is not.
 */
export function readTS(value: string): TimeStamp | undefined {
  const m = TS.exec(value);
  if (!m) return undefined;
  const num = (i: number, dflt: number): number => (m[i] === undefined ? dflt : Number(m[i]));
  const year = num(1, 0);
  const month = num(2, 1);
  const day = num(3, 1);
  const hour = num(4, 0);
  const minute = num(5, 0);
  const second = num(6, 0);
  const millisecond = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  let offsetMinutes: number | undefined;
  if (m[8] !== undefined) {
    const sign = m[8][0] === '-' ? -1 : 1;
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(3, 5));
    if (oh > 14 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const precisions: TimePrecision[] = ['year', 'month', 'day', 'hour', 'minute', 'second', 'fraction'];
  let p = 0;
  for (let i = 2; i <= 7; i++) if (m[i] !== undefined) p = i - 1;
  return { year, month, day, hour, minute, second, millisecond, precision: precisions[p]!, offsetMinutes, text: value };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The instant of a TimeStamp; a value without offset is read in `defaultOffsetMinutes` (default: UTC). */
export function timeStampToDate(ts: TimeStamp, defaultOffsetMinutes = 0): Date {
  const utc = Date.UTC(ts.year, ts.month - 1, ts.day, ts.hour, ts.minute, ts.second, ts.millisecond);
  return new Date(utc - (ts.offsetMinutes ?? defaultOffsetMinutes) * 60_000);
}

/**
 * Formats an instant as TS in the given offset (default: the offset of Europe/Paris at that date,
 * as French systems write local time with its offset) at the given precision.
 */
export function formatTS(
  date: Date,
  precision: TimePrecision = 'second',
  offsetMinutes: number = parisOffsetMinutes(date),
  withOffset = true,
): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  let out = String(local.getUTCFullYear()).padStart(4, '0');
  const parts = [
    p2(local.getUTCMonth() + 1),
    p2(local.getUTCDate()),
    p2(local.getUTCHours()),
    p2(local.getUTCMinutes()),
    p2(local.getUTCSeconds()),
  ];
  const order: TimePrecision[] = ['month', 'day', 'hour', 'minute', 'second'];
  const upto = precision === 'fraction' ? 5 : order.indexOf(precision) + 1;
  out += parts.slice(0, Math.max(0, upto)).join('');
  if (precision === 'fraction') out += `.${String(local.getUTCMilliseconds()).padStart(3, '0')}`;
  if (withOffset && upto >= 3) {
    const sign = offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(offsetMinutes);
    out += `${sign}${p2(Math.floor(abs / 60))}${p2(abs % 60)}`;
  }
  return out;
}

const parisFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', timeZoneName: 'longOffset' });

const HOUR_MS = 3_600_000;
/** Largest distance from the epoch a `Date` can hold. */
const MAX_DATE_MS = 8.64e15;
/** The hour (in ms since the epoch, UTC) whose offset is known to hold from its start to its end. */
let cachedHour = Number.NaN;
let cachedOffset = 0;

/**
 * UTC offset of Europe/Paris at an instant, in minutes (60 in winter, 120 in summer).
 *
 * Asking `Intl` costs microseconds, and every acknowledgement's MSH-7 asks, so the answer is kept
 * for the hour of the instant when the offset is the same at that hour's first and last
 * millisecond (Paris changes at 01:00 UTC; an hour holding a change is never kept).
 */
export function parisOffsetMinutes(date: Date): number {
  const time = date.getTime();
  const hour = Math.floor(time / HOUR_MS) * HOUR_MS;
  if (hour === cachedHour) return cachedOffset;
  const offset = intlParisOffsetMinutes(date);
  if (
    hour >= -MAX_DATE_MS &&
    hour + HOUR_MS - 1 <= MAX_DATE_MS &&
    intlParisOffsetMinutes(new Date(hour)) === offset &&
    intlParisOffsetMinutes(new Date(hour + HOUR_MS - 1)) === offset
  ) {
    cachedHour = hour;
    cachedOffset = offset;
  }
  return offset;
}

function intlParisOffsetMinutes(date: Date): number {
  const name = parisFormat.formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+01:00';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

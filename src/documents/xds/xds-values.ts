import { isOid } from '../cda/identifiers.js';

/**
 * Encodings of XDS metadata values (ITI TF-3 Table 4.2.3.1.7-2): DTM in UTC, CX, XCN, XON. `^` and `&` are
 * written literally (the XML serialiser escapes `&`).
 */

/**
 * A CDA `TS` (`YYYYMMDDhhmmss[.fff][+|-hhmm]`) as an XDS DTM in UTC, to the precision given (seconds at most).
 * Without an offset the value is returned as written (the CDA did not say its zone); undefined when not a time.
 */
export function xdsTimeFromCda(ts: string | undefined): string | undefined {
  if (!ts) return undefined;
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(ts);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  if (!zone || h === undefined) return [y, mo, d, h, mi, s].filter((p) => p !== undefined).join('');
  const sign = zone.startsWith('-') ? -1 : 1;
  const offsetMinutes = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5)));
  const utc = new Date(Date.UTC(Number(y), Number(mo ?? '01') - 1, Number(d ?? '01'), Number(h), Number(mi ?? '0'), Number(s ?? '0')));
  utc.setUTCMinutes(utc.getUTCMinutes() - offsetMinutes);
  const full = xdsTime(utc);
  return full.slice(0, 8 + 2 + (mi !== undefined ? 2 : 0) + (s !== undefined ? 2 : 0));
}

/** A date as an XDS DTM in UTC to the second (`YYYYMMDDhhmmss`). */
export function xdsTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** True for an XDS DTM (`YYYY[MM[DD[hh[mm[ss]]]]]`). */
export function isXdsTime(value: string): boolean {
  return /^\d{4}(\d{2}){0,5}$/.test(value);
}

/** CX with an ISO assigning authority: `<id>^^^&<oid>&ISO^<type>`. */
export function cx(id: string, oid: string, type?: string): string {
  return `${id}^^^&${oid}&ISO${type ? `^${type}` : ''}`;
}

/** Parses a CX `id^^^&oid&ISO[^type]`; undefined when it has not that form. */
export function parseCx(value: string): { id: string; oid: string; type: string | undefined } | undefined {
  const m = /^([^^&]+)\^\^\^&([^&^]+)&ISO(?:\^([^^]*))?$/.exec(value);
  if (!m) return undefined;
  return { id: m[1]!, oid: m[2]!, type: m[3] };
}

/** A person as an XCN with an ISO authority and the `IDNPS` type (`dmp-publication.md` §3). */
export function xcn(person: { id: string; family?: string | undefined; given?: string | undefined; oid: string }): string {
  return `${person.id}^${person.family ?? ''}^${person.given ?? ''}^^^^^^&${person.oid}&ISO^D^^^IDNPS`;
}

/** An organisation as an XON: `<name>^^^^^&<oid>&ISO^IDNST^^^<id>`. */
export function xon(org: { name: string; id: string; oid: string }): string {
  return `${org.name}^^^^^&${org.oid}&ISO^IDNST^^^${org.id}`;
}

/** True for a plain OID the DMP takes as a uniqueId (no `^extension`, at most 64 characters). */
export function isPlainOid(value: string): boolean {
  return isOid(value) && value.length <= 64;
}

import { createHash, randomUUID } from 'node:crypto';

/**
 * Identifiers the generator creates. CDA ids are OIDs under the `2.25` arc (ITU-T X.667: an OID
 * made of a UUID read as one unsigned integer), so that a platform without its own OID branch still
 * issues globally unique, plain-OID ids — the only form the DMP (`uniqueId`) and the DRIMbox
 * (`idCDA` = `id/@root`) accept.
 */

/** A fresh `2.25.<uuid>` OID. */
export function newUuidOid(): string {
  return uuidToOid(randomUUID());
}

/** `2.25.` followed by the UUID read as a 128-bit unsigned integer. */
export function uuidToOid(uuid: string): string {
  return `2.25.${BigInt(`0x${uuid.replace(/-/g, '')}`).toString(10)}`;
}

/**
 * A stable `2.25` OID derived from a name (SHA-256, truncated to a version-8 UUID): the same input
 * always gives the same id, so that a regenerated version of a report refers to the same derived
 * objects (generic series and instance of the DICOM catalogue).
 */
export function derivedOid(name: string): string {
  const hex = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 32).split('');
  hex[12] = '8'; // UUID version 8 (custom)
  hex[16] = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16); // RFC 4122 variant
  return uuidToOid(hex.join(''));
}

/** A fresh UUID in upper case, the form CDA section and entry ids use in the ANS examples. */
export function newUuid(): string {
  return randomUUID().toUpperCase();
}

const OID_PATTERN = /^[0-2](\.(0|[1-9][0-9]*))+$/;
const UUID_PATTERN = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** True for a syntactically valid OID (the HL7 `uid` forms used here: OID; UUID accepted for roots). */
export function isOid(text: string): boolean {
  return OID_PATTERN.test(text) && text.length <= 64 * 4;
}

/** True for an OID or a UUID (the HL7 v3 `uid` types accepted in `@root`). */
export function isUid(text: string): boolean {
  return isOid(text) || UUID_PATTERN.test(text);
}

/** True for a DICOM UID (OID syntax, at most 64 characters). */
export function isDicomUid(text: string): boolean {
  return OID_PATTERN.test(text) && text.length <= 64;
}

/**
 * Named patterns of conformance-checklist.md §0, with the wording used in finding messages.
 */
export const PATTERNS = {
  RE_TS: {
    regex: /^[0-9]{4}([0-9]{2}([0-9]{2}([0-9]{2}([0-9]{2}([0-9]{2}(\.[0-9]{1,4})?)?)?)?)?)?([+-][0-9]{4})?$/,
    text: 'an HL7 timestamp YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]',
  },
  RE_NM: { regex: /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/, text: 'an HL7 number (digits, optional sign and decimal point)' },
  RE_OID: { regex: /^[0-2](\.(0|[1-9][0-9]*))+$/, text: 'an OID (digits separated by dots, no leading zeros)' },
  RE_DICOM_UID: {
    regex: /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))+$/,
    text: 'a DICOM UID (digits and dots, no leading zeros, at most 64 characters)',
  },
  RE_SUBID_ANY: { regex: /^[1-9][0-9]*(\.[1-9][0-9]*)?$/, text: 'a Sub-ID "n" or "n.m" (positive integers)' },
  RE_SUBID_NM: { regex: /^[1-9][0-9]*\.[1-9][0-9]*$/, text: 'a Sub-ID "n.m" (positive integers)' },
  RE_PSIDNAT_RPPS: { regex: /^8[0-9]{11}$/, text: 'a PS_IdNat of an RPPS number ("8" followed by the 11 RPPS digits)' },
  RE_BASE64: { regex: /^[A-Za-z0-9+/]*={0,2}$/, text: 'base64 (A–Z a–z 0–9 + /, "=" padding, length a non-zero multiple of 4)' },
} as const;

export type PatternName = keyof typeof PATTERNS;

/** Full test of a named pattern, including the extra conditions the checklist attaches to some of them. */
export function matchesPattern(name: PatternName, value: string): boolean {
  if (!PATTERNS[name].regex.test(value)) return false;
  if (name === 'RE_DICOM_UID') return value.length <= 64;
  if (name === 'RE_BASE64') return value.length > 0 && value.length % 4 === 0;
  return true;
}

import type { SeededRandom } from './random.js';

/**
 * Identifiers that look and check like real French ones, generated for simulated patients,
 * professionals and facilities. None designates a real person: INS values go under the test OID.
 */

/**
 * The key of an INS-NIR matricule: 97 − (first 13 characters mod 97), the Corsican departments
 * `2A` and `2B` being counted as `19` and `18` (INSEE rule, checked by TLR-PID-007).
 */
export function nirKey(first13: string): string {
  if (!/^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{6}$/.test(first13)) throw new RangeError(`not the 13 first characters of a NIR: ${first13}`);
  const numeric = first13.slice(0, 5) + first13.slice(5, 7).replace('2A', '19').replace('2B', '18') + first13.slice(7);
  return String(97 - Number(BigInt(numeric) % 97n)).padStart(2, '0');
}

/** True when a 15-character matricule has a valid NIR key. */
export function isValidNir(matricule: string): boolean {
  return (
    matricule.length === 15 &&
    /^[0-9]{5}(?:[0-9]{2}|2A|2B)[0-9]{8}$/.test(matricule) &&
    nirKey(matricule.slice(0, 13)) === matricule.slice(13)
  );
}

/**
 * A NIR consistent with the patient's traits: sex digit (1 male, 2 female), year and month of
 * birth, then the 5-character INSEE code of the birthplace (department + commune, `2A`/`2B` for
 * Corsica, `99` + country code for a birth abroad), a 3-digit birth-register order and the key.
 */
export function generateNir(random: SeededRandom, traits: { sex: 'F' | 'M'; birthDate: string; birthplaceCode: string }): string {
  const [year, month] = traits.birthDate.split('-');
  if (!year || !month || !/^(?:[0-9]{2}|2A|2B)[0-9]{3}$/.test(traits.birthplaceCode))
    throw new RangeError('birth date YYYY-MM-DD and a 5-character INSEE birthplace code are needed');
  const serial = String(random.int(1, 999)).padStart(3, '0');
  const body = `${traits.sex === 'M' ? '1' : '2'}${year.slice(2)}${month}${traits.birthplaceCode}${serial}`;
  return body + nirKey(body);
}

/** Luhn check digit of a string of digits (ISO/IEC 7812), as used by RPPS and FINESS numbers. */
export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** True when the last digit is the Luhn check digit of the others. */
export function isLuhnValid(digits: string): boolean {
  return /^[0-9]{2,}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/**
 * A PS_IdNat of a health professional: `8` (identifier type RPPS) followed by an 11-digit RPPS
 * number starting with `10` and ending with its Luhn check digit.
 */
export function generateRppsIdNat(random: SeededRandom): string {
  const body = `10${random.digits(8)}`;
  return `8${body}${luhnCheckDigit(body)}`;
}

/**
 * A 9-character FINESS number: the 2-character department, 6 digits and a Luhn check digit
 * (the simulated facilities are in mainland departments).
 */
export function generateFiness(random: SeededRandom, department: string): string {
  if (!/^[0-9]{2}$/.test(department)) throw new RangeError(`department must be 2 digits, got ${department}`);
  const body = `${department}${random.digits(6)}`;
  return body + luhnCheckDigit(body);
}

/**
 * A DICOM UID without a registered root: `2.25.` followed by a 128-bit number in decimal
 * (DICOM PS3.5 §B.2, UUID-derived UIDs), at most 44 characters. The bits come from the seeded
 * generator, so a replayed run produces the same Study Instance UIDs.
 */
export function generateDicomUid(random: SeededRandom): string {
  let n = 0n;
  for (let i = 0; i < 4; i++) n = (n << 32n) | BigInt(random.nextUint32());
  // UUID v4 layout: version nibble 4, variant bits 10 — so the value is a genuine random UUID.
  n = (n & ~(0xfn << 76n)) | (0x4n << 76n);
  n = (n & ~(0x3n << 62n)) | (0x2n << 62n);
  return `2.25.${n.toString()}`;
}

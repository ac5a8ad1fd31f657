import { toHl7DateTime } from '../date-time.js';
import type { DateTime } from '../date-time.js';
import { TlrBuildError } from '../errors.js';

/**
 * Checks on domain values before they are written. They only catch what would make the message
 * unreadable or non-conformant by construction (empty required values, malformed dates and
 * numbers); everything else is the validator's job.
 */

/** A required text: non-blank. */
export function requireText(value: string | undefined, path: string): string {
  if (value === undefined || value.trim() === '') {
    throw new TlrBuildError('TLR_ERR_BUILD_MISSING_VALUE', path, 'a non-empty value is required');
  }
  return value;
}

/** An optional text: '' for absent (so that it writes nothing). */
export function optionalText(value: string | undefined): string {
  return value ?? '';
}

/** A required date/time as HL7 TS. */
export function requireDateTime(value: DateTime | undefined, path: string): string {
  return toHl7DateTime(requireText(value, path), path);
}

/** An optional date/time as HL7 TS ('' when absent). */
export function optionalDateTime(value: DateTime | undefined, path: string): string {
  return value === undefined || value === '' ? '' : toHl7DateTime(value, path);
}

/** A number as HL7 NM text: plain decimal notation, never an exponent (`1e-7` is not an NM). */
export function decimal(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    throw new TlrBuildError('TLR_ERR_BUILD_INVALID_VALUE', path, `${value} is not a finite number`);
  }
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // Exponent notation: expand it; 20 fraction digits cover every double below 1e21.
  const fixed = Math.abs(value) >= 1e21 ? BigInt(value).toString() : value.toFixed(20).replace(/\.?0+$/, '');
  return fixed;
}

/** A non-empty list. */
export function requireNonEmpty<T>(values: readonly T[] | undefined, path: string): readonly T[] {
  if (!values || values.length === 0) {
    throw new TlrBuildError('TLR_ERR_BUILD_MISSING_VALUE', path, 'at least one entry is required');
  }
  return values;
}

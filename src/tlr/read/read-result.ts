import type { ValidateOptions, ValidationReport } from '../../profiles/index.js';

/**
 * What a reader returns: the domain value and the validator's findings. Readers never throw on
 * bad input.
 *
 * `value` is undefined only when the message could not be parsed or is not the expected flow.
 * Otherwise it holds everything that could be read. When `report.valid` is true the value meets
 * every constraint of its type; when it is false the value is a best-effort reading — required
 * text or date that was missing reads as `''`, a missing required number as `NaN`, and coded
 * values are passed through as received, even outside their type's code list — so check
 * `report.valid` before acting on it.
 */
export interface ReadResult<T> {
  value: T | undefined;
  report: ValidationReport;
}

/** Validator options a reader passes through (the profile is fixed by the reader). */
export type ReadOptions = Omit<ValidateOptions, 'profile'>;

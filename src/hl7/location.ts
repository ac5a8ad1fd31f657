import { Hl7Error } from './errors.js';

/**
 * A position inside a message, from a whole segment down to a sub-component. Numbers are 1-based,
 * as in HL7 (ERL data type of ERR-2). `occurrence` counts segments of the same id (the 3rd OBX is
 * `OBX[3]`), which is what ERL.2 "segment sequence" means.
 */
export interface Location {
  segment: string;
  occurrence?: number;
  field?: number;
  repetition?: number;
  component?: number;
  subcomponent?: number;
}

/**
 * Formats a location as the validator reports it: `MSH-12`, `OBX[3]-5.5`, `PID-3[2].4.2`.
 * The occurrence and the repetition are written only when greater than 1.
 */
export function formatLocation(loc: Location): string {
  let out = loc.segment;
  if (loc.occurrence !== undefined && loc.occurrence > 1) out += `[${loc.occurrence}]`;
  if (loc.field === undefined) return out;
  out += `-${loc.field}`;
  if (loc.repetition !== undefined && loc.repetition > 1) out += `[${loc.repetition}]`;
  if (loc.component !== undefined) {
    out += `.${loc.component}`;
    if (loc.subcomponent !== undefined) out += `.${loc.subcomponent}`;
  }
  return out;
}

/** ERR-2 (ERL) components: segment id, sequence, field, repetition, component, sub-component. */
export function toErl(loc: Location): string[] {
  const parts = [loc.segment, String(loc.occurrence ?? 1)];
  if (loc.field !== undefined) {
    parts.push(String(loc.field));
    parts.push(loc.repetition !== undefined ? String(loc.repetition) : '');
    if (loc.component !== undefined) {
      parts.push(String(loc.component));
      if (loc.subcomponent !== undefined) parts.push(String(loc.subcomponent));
    }
  }
  while (parts.length > 2 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const PATH = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:-(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?)?$/;
const FIELD_PATH = /^(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?$/;

function positive(text: string | undefined, path: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new Hl7Error('TLR_ERR_HL7_BAD_PATH', `Invalid position ${text} in path "${path}" (positions start at 1)`);
  }
  return n;
}

/** Parses `PID-3[2].4.2` or `OBX[3]-5.1` into a location. Throws `TLR_ERR_HL7_BAD_PATH`. */
export function parseLocation(path: string): Location {
  const m = PATH.exec(path);
  if (!m) throw new Hl7Error('TLR_ERR_HL7_BAD_PATH', `Invalid HL7 path "${path}" (expected e.g. PID-3[2].4.2 or OBX[3]-5.1)`);
  const loc: Location = { segment: m[1]! };
  const occurrence = positive(m[2], path);
  const field = positive(m[3], path);
  if (occurrence !== undefined) loc.occurrence = occurrence;
  if (field !== undefined) {
    loc.field = field;
    const repetition = positive(m[4], path);
    const component = positive(m[5], path);
    const subcomponent = positive(m[6], path);
    if (repetition !== undefined) loc.repetition = repetition;
    if (component !== undefined) loc.component = component;
    if (subcomponent !== undefined) loc.subcomponent = subcomponent;
  }
  return loc;
}

/** A position relative to a segment: field, and optionally repetition, component and sub-component. */
export type FieldPath = Required<Pick<Location, 'field'>> & Omit<Location, 'segment' | 'occurrence' | 'field'>;

/**
 * Parses a path relative to a segment: `3[2].4.2`. The one field-path parser: segments, messages and
 * the validator's rule tables all read their paths with it. Throws `TLR_ERR_HL7_BAD_PATH`.
 */
export function parseFieldPath(path: string): FieldPath {
  const m = FIELD_PATH.exec(path);
  if (!m) throw new Hl7Error('TLR_ERR_HL7_BAD_PATH', `Invalid field path "${path}" (expected e.g. 3[2].4.2)`);
  const out: FieldPath = {
    field: positive(m[1], path)!,
  };
  const repetition = positive(m[2], path);
  const component = positive(m[3], path);
  const subcomponent = positive(m[4], path);
  if (repetition !== undefined) out.repetition = repetition;
  if (component !== undefined) out.component = component;
  if (subcomponent !== undefined) out.subcomponent = subcomponent;
  return out;
}

/** A code of a coding system fixed by the place it is used in (SNOMED CT region, LOINC act, ATC class…). */
export interface CodedValue {
  code: string;
  /** Display text; informative only, never validated. */
  display?: string;
}

/**
 * The reason of a cancellation or a refusal (ORC-16, HL7 CE): a code with its coding system, or
 * free text alone when no code exists (`^Motif d'annulation de la demande`), or both.
 */
export type Reason =
  | { code: string; codingSystem: string; text?: string }
  | { code?: undefined; codingSystem?: undefined; text: string };

/**
 * A coded value. In the Téléradiologie messages the place a value is used in fixes its coding
 * system (SNOMED CT region, LOINC act, ATC class…), so only the code and its display travel;
 * documents name the system where the place does not (HL7 v2 CE.3 of a document type, CDA
 * `@codeSystem` of every code).
 */
export interface CodedValue {
  code: string;
  /** Display text; informative only in the messages, never validated. CDA `@displayName`, which the CI-SIS header requires. */
  display?: string;
  /** HL7 v2 coding system mnemonic (CE.3 / CWE.3: `LN`, `TRE_A05`, `DCM`…), where the place does not fix it. */
  codingSystem?: string;
  /** OID of the code system (CDA `@codeSystem`), where the place does not fix it. */
  codeSystem?: string;
  /** Informative name of the code system (CDA `@codeSystemName`: `LOINC`, `DCM`, `SNOMED CT`…). */
  codeSystemName?: string;
}

/**
 * The reason of a cancellation or a refusal (ORC-16, HL7 CE): a code with its coding system, or
 * free text alone when no code exists (`^Motif d'annulation de la demande`), or both.
 */
export type Reason = { code: string; codingSystem: string; text?: string } | { code?: undefined; codingSystem?: undefined; text: string };

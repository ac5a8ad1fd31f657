import type { DateTime } from '../date-time.js';
import type { Identifier } from './identifiers.js';

/** Patient class (PV1-2, HL7 table 0004): `E` emergency, `I` inpatient, `O` outpatient, `R` recurring, `N` not applicable… */
export type PatientClass = 'B' | 'C' | 'E' | 'I' | 'N' | 'O' | 'P' | 'R' | 'U';

/** The current visit (PV1). */
export interface Visit {
  patientClass: PatientClass;
  /**
   * Visit number (PV1-19): in this volet, the appointment identifier from the scheduling (SIU)
   * flows. Required when the class is `E`, `I`, `O` or `R`.
   */
  visitNumber?: Identifier;
  /** Admission / start of care (*date de prise en charge*, PV1-44). */
  admittedAt?: DateTime;
  /** Discharge (PV1-45). */
  dischargedAt?: DateTime;
}

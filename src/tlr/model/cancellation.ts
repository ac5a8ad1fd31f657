import type { DateTime } from '../date-time.js';
import type { Reason } from './coded-value.js';
import type { HealthProfessional } from './health-professional.js';
import type { PlacerOrderNumber } from './identifiers.js';
import type { Organisation } from './organisation.js';
import type { Patient } from './patient.js';
import type { Visit } from './visit.js';

/**
 * Cancellation of an imaging request (*annulation de la demande*) by the RIS, flow 2 (ORM^O01,
 * ORC-1 `CA`). Allowed only after flow 1 and before any post-exam information (flow 4).
 */
export interface Cancellation {
  /** The placer number of the request being cancelled. */
  placerOrderNumber: PlacerOrderNumber;
  patient: Patient;
  visit: Visit;
  /** Date/time of the cancellation (ORC-9). */
  cancelledAt: DateTime;
  /** Responsible professional of the imaging facility (ORC-12 = OBR-16). */
  responsibleProfessional: HealthProfessional;
  /** The remote radiologist, when known (ORC-11). */
  remoteRadiologist?: HealthProfessional;
  callbackPhone?: string;
  imagingFacility: Organisation;
  /** Cancellation reason (ORC-16). */
  reason?: Reason;
}

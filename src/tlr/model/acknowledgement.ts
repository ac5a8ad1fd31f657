import type { AckCode, AckError } from '../../hl7/index.js';

/** An HL7 acknowledgement (ACK) of one business message, in original mode. */
export interface Acknowledgement {
  /** MSA-1: `AA` accepted, `AE` message in error (fix before resending), `AR` rejected for a circumstantial reason (retry later). */
  code: AckCode;
  /** MSA-2: MSH-10 of the acknowledged message. */
  acknowledgedControlId: string;
  /** Trigger event of the acknowledged message (MSH-9.2 of the ACK): `O01`, `R01` or `O23`. */
  acknowledgedEvent: string;
  /** ERR segments. */
  errors: AckError[];
}

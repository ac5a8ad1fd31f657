import type { DateTime } from '../date-time.js';

/** Processing id (MSH-11, HL7 table 0103): production, training/test, debugging. */
export type ProcessingId = 'P' | 'T' | 'D';

/** The two character sets the volet allows in MSH-18. */
export type MessageCharset = 'UNICODE UTF-8' | '8859/15';

/** The header of a message (MSH) as a sender fills it and a receiver reads it. */
export interface MessageContext {
  /** MSH-3 (HD.1). */
  sendingApplication: string;
  /** MSH-4 (HD.1). */
  sendingFacility: string;
  /** MSH-5 (HD.1). */
  receivingApplication: string;
  /** MSH-6 (HD.1). */
  receivingFacility: string;
  /** MSH-10, unique per sender. */
  controlId: string;
  /** MSH-7. */
  timestamp: DateTime;
  processingId: ProcessingId;
  charset: MessageCharset;
}

/**
 * What a builder needs to write MSH: the four routing names, the rest defaulting to a new control
 * id, the current time in Europe/Paris, `P` and `UNICODE UTF-8`.
 */
export type MessageContextInput = Pick<
  MessageContext,
  'sendingApplication' | 'sendingFacility' | 'receivingApplication' | 'receivingFacility'
> &
  Partial<Pick<MessageContext, 'controlId' | 'timestamp' | 'processingId' | 'charset'>>;

import { buildAck, tryParseMessage } from '../hl7/index.js';
import type { AckCode, AckError, ErrorCondition, MessageHeader } from '../hl7/index.js';

/**
 * Header used to address an acknowledgement when the received bytes have no readable MSH at all:
 * empty applications and facilities, empty MSA-2. The sender still gets an answer instead of a
 * silent connection, which is what MLLP partners expect.
 */
const UNKNOWN_HEADER: MessageHeader = {
  sendingApplication: '',
  sendingFacility: '',
  receivingApplication: '',
  receivingFacility: '',
  messageType: '',
  messageCode: '',
  triggerEvent: '',
  messageStructure: '',
  controlId: '',
  processingId: 'P',
  version: '2.5.1',
  charset: '',
  raw: { sendingApplication: '', sendingFacility: '', receivingApplication: '', receivingFacility: '' },
};

/** Best-effort MSH of received bytes (complete message or just its first bytes), for addressing an ACK. */
export function headerForAck(bytes: Uint8Array): MessageHeader {
  return tryParseMessage(bytes).header ?? UNKNOWN_HEADER;
}

/**
 * Builds the acknowledgement the transport itself sends when the application could not give one:
 * the handler failed (AR 207) or the frame was too large (AR 100). Returns the unframed ER7 bytes.
 */
export function buildTransportAck(received: Uint8Array, code: AckCode, condition: ErrorCondition, message: string): Buffer {
  const error: AckError = { condition, severity: 'E', message };
  return buildAck(headerForAck(received), { code, errors: [error] }).toBytes();
}

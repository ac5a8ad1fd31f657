import type { AckOptions, Message } from '../../hl7/index.js';
import { buildAck } from '../../hl7/index.js';

/**
 * The technical acknowledgement of a message of this volet (ACK^T02/T10/T04/R01/Z01/Z02/Z03^ACK).
 * Unlike the Téléradiologie flows (always 2.5.1), the ACK of this volet carries the version of
 * the message it acknowledges: 2.6 for MDM and ZAM, 2.5 for ORU (trans-cda-r2 §7). No MSH-21.
 */
export function buildDocumentAck(original: Message, options: AckOptions): Message {
  const ack = buildAck(original, options);
  const version = original.header.version.trim();
  if (version) ack.msh.set(12, version);
  return ack;
}

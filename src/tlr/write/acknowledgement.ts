import type { AckCode, AckError, Message, MessageHeader } from '../../hl7/index.js';
import { buildAck } from '../../hl7/index.js';
import type { DateTime } from '../date-time.js';
import type { MessageCharset } from '../model/message-context.js';
import { finishMessage } from './finish.js';
import { requireDateTime } from './input-checks.js';

/** What an acknowledgement says, and the optional header values of the ACK itself. */
export interface AcknowledgementInput {
  /** MSA-1. */
  code: AckCode;
  /** One ERR each; at least one with severity `E` for `AE`/`AR` (ack.md §5.2). */
  errors?: readonly AckError[];
  /** MSH-10 of the ACK (default: a new unique id). */
  controlId?: string;
  /** MSH-7 of the ACK (default: now, Europe/Paris). */
  timestamp?: DateTime;
  /** MSH-18 of the ACK (default: the acknowledged message's, as the volet allows both). */
  charset?: MessageCharset;
}

/**
 * Builds the acknowledgement of a business message (ack.md): `ACK^<event>^ACK`, MSH-3..6 swapped,
 * MSH-11 copied, MSA-2 = the acknowledged MSH-10, one ERR per error. Works from the header of a
 * message that could not be parsed, so that every input gets an answer.
 */
export function buildAcknowledgement(acknowledged: Message | MessageHeader, input: AcknowledgementInput): Message {
  const ack = buildAck(acknowledged, {
    code: input.code,
    ...(input.errors ? { errors: input.errors } : {}),
    ...(input.controlId !== undefined ? { controlId: input.controlId } : {}),
    ...(input.charset !== undefined ? { charset: input.charset } : {}),
  });
  if (input.timestamp !== undefined) ack.msh.setRaw(7, requireDateTime(input.timestamp, 'acknowledgement.timestamp'));
  return finishMessage(ack);
}

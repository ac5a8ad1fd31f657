import { Message, newControlId } from '../../hl7/index.js';
import { dateTimeFromDate } from '../date-time.js';
import { COUNTRY_CODE, HL7_VERSION, MESSAGE_PROFILE } from '../vocabulary.js';
import type { MessageContext, MessageContextInput } from '../model/message-context.js';
import { TlrBuildError } from '../errors.js';
import { requireDateTime, requireText } from './input-checks.js';

/** The context with its defaults applied: new control id, now (Europe/Paris), `P`, `UNICODE UTF-8`. */
export function completeContext(input: MessageContextInput): MessageContext {
  return {
    sendingApplication: input.sendingApplication,
    sendingFacility: input.sendingFacility,
    receivingApplication: input.receivingApplication,
    receivingFacility: input.receivingFacility,
    controlId: input.controlId ?? newControlId(),
    timestamp: input.timestamp ?? dateTimeFromDate(new Date()),
    processingId: input.processingId ?? 'P',
    charset: input.charset ?? 'UNICODE UTF-8',
  };
}

/** The MSH values that differ between the volets: version (MSH-12) and message profile (MSH-21). */
export interface MessageHeaderValues {
  version: string;
  profile: readonly [string, string];
}

/** The Téléradiologie volet's: HL7 `2.5.1`, profile `1.0^CISIS_TLR_HL7_V2`. */
export const TLR_HEADER_VALUES: MessageHeaderValues = { version: HL7_VERSION, profile: [MESSAGE_PROFILE.version, MESSAGE_PROFILE.name] };

/**
 * A new business message with its MSH (`common.md` §2): routing names, MSH-7, MSH-9 (all three
 * components), MSH-10, MSH-11, version `2.5.1`, country `FRA`, MSH-18 and the volet's profile
 * `1.0^CISIS_TLR_HL7_V2` in MSH-21. The document messages (MDM, ZAM) write the same MSH with their
 * own version and profile.
 */
export function createBusinessMessage(
  input: MessageContextInput,
  messageType: readonly [string, string, string],
  header: MessageHeaderValues = TLR_HEADER_VALUES,
): Message {
  const ctx = completeContext(input);
  if (ctx.charset !== 'UNICODE UTF-8' && ctx.charset !== '8859/15') {
    throw new TlrBuildError(
      'TLR_ERR_BUILD_INVALID_VALUE',
      'context.charset',
      `"${String(ctx.charset)}" is not allowed by the volet (UNICODE UTF-8 or 8859/15)`,
    );
  }
  if (!['P', 'T', 'D'].includes(ctx.processingId)) {
    throw new TlrBuildError('TLR_ERR_BUILD_INVALID_VALUE', 'context.processingId', `"${String(ctx.processingId)}" is not P, T or D`);
  }
  const message = Message.create({ charset: ctx.charset });
  const msh = message.msh;
  msh.set(3, requireText(ctx.sendingApplication, 'context.sendingApplication'));
  msh.set(4, requireText(ctx.sendingFacility, 'context.sendingFacility'));
  msh.set(5, requireText(ctx.receivingApplication, 'context.receivingApplication'));
  msh.set(6, requireText(ctx.receivingFacility, 'context.receivingFacility'));
  msh.setRaw(7, requireDateTime(ctx.timestamp, 'context.timestamp'));
  msh.setComponents(9, messageType);
  msh.set(10, requireText(ctx.controlId, 'context.controlId'));
  msh.set(11, ctx.processingId);
  msh.set(12, header.version);
  msh.set(17, COUNTRY_CODE);
  msh.setComponents(21, header.profile);
  return message;
}

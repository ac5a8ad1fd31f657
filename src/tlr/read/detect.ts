import type { Message } from '../../hl7/index.js';
import type { TlrMessageKind } from '../model/tlr-message.js';
import { OBR_PROCEDURE, ORDER_CONTROL } from '../vocabulary.js';

/**
 * Which message of the volet this is (TLR-GEN-003): MSH-9.1 first, then ORC-1 to tell flow 1 from
 * flow 2 (OBR-4.1 when ORC-1 says neither). Undefined for anything else.
 */
export function detectMessageKind(message: Message): TlrMessageKind | undefined {
  const code = message.header.messageCode;
  if (code === 'ACK') return 'acknowledgement';
  if (code === 'ORU') return 'decision';
  if (code === 'OMI') return 'postExamInfo';
  if (code !== 'ORM') return undefined;
  const control = message.segment('ORC')?.get(1);
  if (control === ORDER_CONTROL.newOrder) return 'order';
  if (control === ORDER_CONTROL.cancel) return 'cancellation';
  const procedure = message.segment('OBR')?.get('4.1');
  if (procedure === OBR_PROCEDURE.order.code) return 'order';
  if (procedure === OBR_PROCEDURE.cancellation.code) return 'cancellation';
  return undefined;
}

import type { Message } from '../../hl7/index.js';
import { fromHl7DateTime } from '../date-time.js';
import type { MessageCharset, MessageContext, ProcessingId } from '../model/message-context.js';

/** The MSH of a received message as a {@link MessageContext} (HD.1 of MSH-3..6). */
export function readContext(message: Message): MessageContext {
  const msh = message.msh;
  return {
    sendingApplication: msh.get('3.1'),
    sendingFacility: msh.get('4.1'),
    receivingApplication: msh.get('5.1'),
    receivingFacility: msh.get('6.1'),
    controlId: msh.get(10),
    timestamp: fromHl7DateTime(msh.get('7.1')) ?? '',
    processingId: msh.get('11.1') as ProcessingId,
    charset: msh.get(18) as MessageCharset,
  };
}

import type { Message } from '../../hl7/index.js';

/** MSH-9 events of the document messages of the volet (trans-cda-r2) and of their acknowledgements. */
const DOCUMENT_EVENTS = new Set(['T02', 'T10', 'T04']);

/** What `validate` does with a message: the Téléradiologie flows, or the document transport of reports. */
export type MessageKind = 'flow' | 'document' | 'document-ack';

/**
 * Which validator a message needs, from MSH-9: MDM^T02/T10/T04 and an ORU^R01 that carries an encapsulated
 * document (OBX-2 = ED, and no ORC-1 of flow 3) are document messages; ACK^T02/T10/T04^ACK are their
 * acknowledgements; everything else is a flow of the volet.
 */
export function messageKind(message: Message): MessageKind {
  const msh = message.segments[0];
  if (!msh || msh.name !== 'MSH') return 'flow';
  const code = msh.get('9.1').trim();
  const event = msh.get('9.2').trim();
  if (code === 'MDM' && DOCUMENT_EVENTS.has(event)) return 'document';
  if (code === 'ACK' && DOCUMENT_EVENTS.has(event)) return 'document-ack';
  if (code === 'ORU' && event === 'R01') {
    const flow3 = message.all('ORC').some((orc) => ['OK', 'OC'].includes(orc.get('1.1').trim()));
    if (!flow3 && message.all('OBX').some((obx) => obx.get('2.1').trim() === 'ED')) return 'document';
  }
  return 'flow';
}

import type { Message } from '../../hl7/index.js';
import { readAck } from '../../hl7/index.js';
import type { Acknowledgement } from '../model/acknowledgement.js';
import type { AcknowledgementMessage } from '../model/tlr-message.js';
import type { AckCode } from '../../hl7/index.js';
import { readContext } from './header.js';

/** Maps a parsed ACK to the domain, without validating it. */
export function acknowledgementFromMessage(message: Message): AcknowledgementMessage {
  let acknowledgement: Acknowledgement;
  const event = message.header.triggerEvent;
  if (message.segment('MSA')) {
    const summary = readAck(message);
    acknowledgement = {
      code: summary.code as AckCode,
      acknowledgedControlId: summary.acknowledgedControlId,
      acknowledgedEvent: event,
      errors: summary.errors,
    };
  } else {
    acknowledgement = { code: '' as AckCode, acknowledgedControlId: '', acknowledgedEvent: event, errors: [] };
  }
  return { kind: 'acknowledgement', context: readContext(message), acknowledgement };
}

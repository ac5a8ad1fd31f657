import type { Message } from '../../hl7/index.js';
import type { TlrMessage } from '../model/tlr-message.js';
import { acknowledgementFromMessage } from './acknowledgement.js';
import { cancellationFromMessage } from './cancellation-message.js';
import { decisionFromMessage } from './decision-message.js';
import { detectMessageKind } from './detect.js';
import { orderFromMessage } from './order-message.js';
import { postExamInfoFromMessage } from './post-exam-message.js';

/** Maps a parsed message of any kind to the domain, without validating it; undefined when it is not a message of the volet. */
export function tlrMessageFromMessage(message: Message): TlrMessage | undefined {
  switch (detectMessageKind(message)) {
    case 'order':
      return orderFromMessage(message);
    case 'cancellation':
      return cancellationFromMessage(message);
    case 'decision':
      return decisionFromMessage(message);
    case 'postExamInfo':
      return postExamInfoFromMessage(message);
    case 'acknowledgement':
      return acknowledgementFromMessage(message);
    default:
      return undefined;
  }
}

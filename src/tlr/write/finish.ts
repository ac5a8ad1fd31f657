import type { Message } from '../../hl7/index.js';
import { fitToLatin9 } from './latin9.js';

/** Last step of every builder: a message declared `8859/15` gets its text fitted to Latin-9. */
export function finishMessage(message: Message): Message {
  if (message.charset === '8859/15') fitToLatin9(message);
  return message;
}

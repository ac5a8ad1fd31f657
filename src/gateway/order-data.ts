import type { Cancellation, Decision, ImagingOrder, PostExamInfo, TlrMessage } from '../tlr/index.js';

/**
 * What the gateway keeps with an order (merged key by key into the stored order data): the last
 * version of each business object. The complete history stays in the message journal.
 */
export interface OrderData {
  order?: ImagingOrder;
  cancellation?: Cancellation;
  decision?: Decision;
  postExamInfo?: PostExamInfo;
  [key: string]: unknown;
}

export function orderDataFromMessage(m: TlrMessage): Record<string, unknown> {
  switch (m.kind) {
    case 'order': return { order: m.order };
    case 'cancellation': return { cancellation: m.cancellation };
    case 'decision': return { decision: m.decision };
    case 'postExamInfo': return { postExamInfo: m.postExamInfo };
    default: return {};
  }
}

import type { Acknowledgement } from './acknowledgement.js';
import type { Cancellation } from './cancellation.js';
import type { Decision } from './decision.js';
import type { ImagingOrder } from './imaging-order.js';
import type { MessageContext } from './message-context.js';
import type { PostExamInfo } from './post-exam-info.js';

/** Flow 1, ORM^O01 `NW`. */
export interface OrderMessage {
  kind: 'order';
  context: MessageContext;
  order: ImagingOrder;
}
/** Flow 2, ORM^O01 `CA`. */
export interface CancellationMessage {
  kind: 'cancellation';
  context: MessageContext;
  cancellation: Cancellation;
}
/** Flow 3, ORU^R01 `OK`/`OC`. */
export interface DecisionMessage {
  kind: 'decision';
  context: MessageContext;
  decision: Decision;
}
/** Flow 4, OMI^O23 `SR`. */
export interface PostExamMessage {
  kind: 'postExamInfo';
  context: MessageContext;
  postExamInfo: PostExamInfo;
}
/** ACK of any of the four flows. */
export interface AcknowledgementMessage {
  kind: 'acknowledgement';
  context: MessageContext;
  acknowledgement: Acknowledgement;
}

/**
 * Any message of the volet with its header, discriminated by `kind` — named after the workflow
 * event it carries (`order`, `cancellation`, `decision`, `postExamInfo`), as in `src/workflow`.
 */
export type TlrMessage = OrderMessage | CancellationMessage | DecisionMessage | PostExamMessage | AcknowledgementMessage;

/** The `kind` discriminator of {@link TlrMessage}. */
export type TlrMessageKind = TlrMessage['kind'];

import type { WorkflowRole } from './order-state.js';

/**
 * Domain events that move an order. They are independent of HL7: the caller (gateway, builders)
 * translates a message or a local action into one of these.
 *
 * | Event | Carried by |
 * |---|---|
 * | `order` | flow 1, ORM^O01 ORC-1 `NW` |
 * | `cancellation` | flow 2, ORM^O01 ORC-1 `CA` |
 * | `decision` | flow 3, ORU^R01 ORC-1 `OK` (`accepted: true`) or `OC` (`accepted: false`) |
 * | `examPerformed` | RIS-internal: an exam of the order was performed (no message) |
 * | `postExamInfo` | flow 4, OMI^O23 ORC-1 `SR` |
 * | `report` | imaging report, MDM^T02 (CDA-R2 in HL7 v2 volet) |
 * | `reportReplaced` | report replacement, MDM^T10 |
 * | `reportDeleted` | report deletion, MDM^T04 |
 * | `published` | RIS-internal: report published to the DMP |
 */
export type OrderEvent =
  | { readonly type: 'order' }
  | { readonly type: 'cancellation' }
  | { readonly type: 'decision'; readonly accepted: boolean }
  | { readonly type: 'examPerformed' }
  | { readonly type: 'postExamInfo' }
  | { readonly type: 'report' }
  | { readonly type: 'reportReplaced' }
  | {
      readonly type: 'reportDeleted';
      /**
       * Number of reports of this order still in force after the deletion, as counted by the caller's
       * document registry (the workflow does not track individual documents). `0` moves the order back
       * to `COMPLEMENTED` (it is waiting for a report again); more keeps it reported.
       */
      readonly remainingReports: number;
    }
  | { readonly type: 'published' };

/** The `type` discriminator of {@link OrderEvent}. */
export type OrderEventType = OrderEvent['type'];

/** Every event type, in workflow order. */
export const ORDER_EVENT_TYPES: readonly OrderEventType[] = [
  'order',
  'cancellation',
  'decision',
  'examPerformed',
  'postExamInfo',
  'report',
  'reportReplaced',
  'reportDeleted',
  'published',
];

/**
 * Events each role handles, whether it sends or receives the corresponding message.
 * `examPerformed` and `published` happen inside the RIS only: a platform never sees them.
 */
export const EVENTS_BY_ROLE: Readonly<Record<WorkflowRole, readonly OrderEventType[]>> = {
  ris: ORDER_EVENT_TYPES,
  platform: ['order', 'cancellation', 'decision', 'postExamInfo', 'report', 'reportReplaced', 'reportDeleted'],
};

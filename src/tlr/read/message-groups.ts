import type { Message, Segment } from '../../hl7/index.js';

/** One OBSERVATION group: an OBX and the NTE segments that follow it. */
export interface ObservationGroup {
  obx: Segment;
  notes: Segment[];
}

/** One ORDER (ORM, OMI) or ORDER_OBSERVATION (ORU) group, starting at its ORC. */
export interface OrderGroup {
  orc: Segment;
  obr: Segment | undefined;
  tq1: Segment | undefined;
  ipc: Segment | undefined;
  /** NTE segments between OBR and the first OBX (ORDER_DETAIL notes). */
  orderNotes: Segment[];
  observations: ObservationGroup[];
}

/** The segments of a business message the readers need, grouped as the flows' structures group them. */
export interface MessageGroups {
  pid: Segment | undefined;
  pv1: Segment | undefined;
  orders: OrderGroup[];
}

/**
 * Groups the segments of a business message. Lenient on purpose: the validator reports structure
 * errors, the reader only needs to know which OBX and NTE belong to which ORC.
 */
export function groupSegments(message: Message): MessageGroups {
  const groups: MessageGroups = { pid: undefined, pv1: undefined, orders: [] };
  let order: OrderGroup | undefined;
  for (const s of message.segments) {
    switch (s.name) {
      case 'PID':
        groups.pid ??= s;
        break;
      case 'PV1':
        groups.pv1 ??= s;
        break;
      case 'ORC':
        order = { orc: s, obr: undefined, tq1: undefined, ipc: undefined, orderNotes: [], observations: [] };
        groups.orders.push(order);
        break;
      case 'OBR':
        if (order) order.obr ??= s;
        break;
      case 'TQ1':
        if (order) order.tq1 ??= s;
        break;
      case 'IPC':
        if (order) order.ipc ??= s;
        break;
      case 'OBX':
        if (order) order.observations.push({ obx: s, notes: [] });
        break;
      case 'NTE':
        if (order) {
          const last = order.observations[order.observations.length - 1];
          if (last) last.notes.push(s);
          else if (order.obr) order.orderNotes.push(s);
        }
        break;
      default:
        break;
    }
  }
  return groups;
}

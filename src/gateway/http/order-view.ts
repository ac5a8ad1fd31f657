import type { OrderKey, OrderRecord } from '../../store/index.js';
import { orderDataOf, patientDisplayName } from '../order-data.js';

/** The JSON form of an order in API listings: the key, the state and what a worklist shows. */
export interface OrderSummaryView {
  placerOrderNumber: string;
  assigningAuthority: string;
  state: string;
  decision: string | null;
  partner: string | null;
  patientId: string | null;
  patientName: string | null;
  modality: string | null;
  region: string | null;
  requestedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function orderSummary(o: OrderRecord): OrderSummaryView {
  const data = orderDataOf(o);
  const order = data.order;
  return {
    placerOrderNumber: o.key.placerNumber,
    assigningAuthority: o.key.assigningAuthority,
    state: o.state,
    decision: o.decision,
    partner: o.partner,
    patientId: o.patientId,
    patientName: patientDisplayName(data),
    modality: order?.requestedModality
      ? `${order.requestedModality.code}${order.requestedModality.display ? ` (${order.requestedModality.display})` : ''}`
      : null,
    region: order?.anatomicalRegions?.[0]?.region.display ?? order?.anatomicalRegions?.[0]?.region.code ?? null,
    requestedAt: order?.requestedAt ?? null,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}

export function keyFrom(placer: string, authority: string | undefined): OrderKey | undefined {
  return authority === undefined ? undefined : { placerNumber: placer, assigningAuthority: authority };
}

/**
 * Events the gateway reports to the host software (webhooks) and to in-process listeners
 * (simulators, console live updates). Payloads carry the order key and what the event brought;
 * they never carry raw HL7.
 */
export const GATEWAY_EVENT_TYPES = [
  'order.received',
  'order.cancelled',
  'decision.received',
  'postexam.received',
  'report.received',
  'report.replaced',
  'report.deleted',
  'report.published',
  'report.publication_failed',
  'order.document.received',
  'document.received',
  'message.rejected',
  'message.parked',
  'order.updated',
  'alert.raised',
  'alert.cleared',
] as const;

export type GatewayEventType = (typeof GATEWAY_EVENT_TYPES)[number];

export interface GatewayEvent {
  type: GatewayEventType;
  /** `authority|placerNumber`, when the event concerns an order. */
  orderKey?: string;
  placerOrderNumber?: string;
  /** The partner the order (or message) belongs to: with several partners, `orderKey` alone may name two orders. */
  partner?: string;
  state?: string | undefined;
  /** Journal id of the message behind the event. */
  messageId?: number;
  at: string;
  data?: Record<string, unknown>;
}

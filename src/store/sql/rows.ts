import { isOrderState } from '../../workflow/index.js';
import type {
  AckCode,
  DeliveryAttempt,
  DeliveryState,
  Direction,
  FlowId,
  MessageDetail,
  MessageRecord,
  MessageStatus,
  OrderRecord,
  OrderTransitionRecord,
  OutboxItem,
  StoredFinding,
  WebhookDelivery,
} from '../store.js';
import type { OrderEventType, OrderState, WorkflowRole } from '../../workflow/index.js';

/** Row shapes as both drivers return them (ids and times are numbers, bytes are Buffers). */
export interface MessageRow {
  id: number;
  direction: Direction;
  partner: string;
  message_type: string;
  flow: FlowId;
  control_id: string | null;
  sending_application: string;
  sending_facility: string;
  receiving_application: string | null;
  receiving_facility: string | null;
  placer_order_number: string | null;
  placer_assigning_authority: string | null;
  patient_id: string | null;
  findings: unknown;
  status: MessageStatus;
  created_at: number;
  received_at: number | null;
  sent_at: number | null;
  acked_at: number | null;
  ack_code: AckCode | null;
  ack_control_id: string | null;
  last_error: string | null;
  redeliveries: number;
  content_pruned_at: number | null;
  raw?: Uint8Array | null;
  ack_raw?: Uint8Array | null;
}

/** Columns of a listing (no bytes). */
export const MESSAGE_COLUMNS =
  'id, direction, partner, message_type, flow, control_id, sending_application, sending_facility, receiving_application, ' +
  'receiving_facility, placer_order_number, placer_assigning_authority, patient_id, findings, status, created_at, received_at, ' +
  'sent_at, acked_at, ack_code, ack_control_id, last_error, redeliveries, content_pruned_at';

export interface OrderRow {
  id: number;
  role: WorkflowRole;
  placer_number: string;
  assigning_authority: string;
  state: string;
  partner: string | null;
  patient_id: string | null;
  decision: 'accepted' | 'refused' | null;
  data: unknown;
  created_at: number;
  updated_at: number;
}

export interface TransitionRow {
  id: number;
  order_id: number;
  from_state: OrderState;
  to_state: OrderState;
  event: OrderEventType;
  message_id: number | null;
  warning: string | null;
  at: number;
}

export interface DeliveryRow {
  id: number;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: number;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  order_key: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface OutboxRow extends DeliveryRow {
  message_id: number;
  partner: string;
  error_details: unknown;
}

export interface WebhookRow extends DeliveryRow {
  event_type: string;
  target_url: string;
  payload: unknown;
  last_status: number | null;
  last_response: string | null;
}

export interface AttemptRow {
  attempt: number;
  at: number;
  outcome: DeliveryAttempt['outcome'];
  detail: string | null;
  http_status: number | null;
}

/** SQLite returns JSON columns as text, PostgreSQL (JSONB) as parsed values. */
export function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value;
}

export const dateOrNull = (value: number | null): Date | null => (value === null ? null : new Date(value));

/** Copies driver bytes (Buffer views on pooled memory) into a plain Uint8Array. */
export const bytesOrNull = (value: Uint8Array | null | undefined): Uint8Array | null =>
  value === null || value === undefined ? null : new Uint8Array(value);

function definedOnly<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined)) as T;
}

export function toMessageRecord(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    direction: row.direction,
    partner: row.partner,
    summary: definedOnly({
      messageType: row.message_type,
      flow: row.flow,
      controlId: row.control_id ?? undefined,
      sendingApplication: row.sending_application,
      sendingFacility: row.sending_facility,
      receivingApplication: row.receiving_application ?? undefined,
      receivingFacility: row.receiving_facility ?? undefined,
      placerOrderNumber: row.placer_order_number ?? undefined,
      placerAssigningAuthority: row.placer_assigning_authority ?? undefined,
      patientId: row.patient_id ?? undefined,
    }),
    status: row.status,
    findings: (parseJson(row.findings) ?? []) as StoredFinding[],
    createdAt: new Date(row.created_at),
    receivedAt: dateOrNull(row.received_at),
    sentAt: dateOrNull(row.sent_at),
    ackedAt: dateOrNull(row.acked_at),
    ackCode: row.ack_code,
    lastError: row.last_error,
    redeliveries: row.redeliveries,
    contentPrunedAt: dateOrNull(row.content_pruned_at),
  };
}

export function toMessageDetail(row: MessageRow): MessageDetail {
  const ackRaw = bytesOrNull(row.ack_raw);
  return {
    ...toMessageRecord(row),
    raw: bytesOrNull(row.raw),
    ack:
      ackRaw === null || row.ack_code === null
        ? null
        : row.ack_control_id === null
          ? { raw: ackRaw, code: row.ack_code }
          : { raw: ackRaw, code: row.ack_code, controlId: row.ack_control_id },
  };
}

export function toOrderRecord(row: OrderRow): OrderRecord {
  if (!isOrderState(row.state)) throw new Error(`unknown order state ${row.state} in orders row ${row.id}`);
  return {
    id: row.id,
    role: row.role,
    key: { placerNumber: row.placer_number, assigningAuthority: row.assigning_authority, partner: row.partner ?? '' },
    state: row.state,
    partner: row.partner === '' ? null : row.partner,
    patientId: row.patient_id,
    decision: row.decision,
    data: (parseJson(row.data) ?? null) as Record<string, unknown> | null,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export function toTransitionRecord(row: TransitionRow): OrderTransitionRecord {
  return {
    id: row.id,
    orderId: row.order_id,
    from: row.from_state,
    to: row.to_state,
    event: row.event,
    messageId: row.message_id,
    warning: row.warning,
    at: new Date(row.at),
  };
}

export function toOutboxItem(row: OutboxRow): OutboxItem {
  return {
    id: row.id,
    messageId: row.message_id,
    partner: row.partner,
    orderKey: row.order_key,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    lockedBy: row.locked_by,
    lockedUntil: dateOrNull(row.locked_until),
    lastError: row.last_error,
    errorDetails: parseJson(row.error_details) ?? null,
    createdAt: new Date(row.created_at),
    deliveredAt: dateOrNull(row.delivered_at),
  };
}

export function toWebhookDelivery(row: WebhookRow): WebhookDelivery {
  return {
    id: row.id,
    eventType: row.event_type,
    targetUrl: row.target_url,
    orderKey: row.order_key,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at),
    lastStatus: row.last_status,
    lastResponse: row.last_response,
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
    deliveredAt: dateOrNull(row.delivered_at),
    payload: parseJson(row.payload) ?? null,
  };
}

export function toDeliveryAttempt(row: AttemptRow): DeliveryAttempt {
  return { attempt: row.attempt, at: new Date(row.at), outcome: row.outcome, detail: row.detail, httpStatus: row.http_status };
}

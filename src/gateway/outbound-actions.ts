import type { Message } from '../hl7/index.js';
import type { Finding } from '../profiles/index.js';
import { validateMessage } from '../profiles/index.js';
import type { OrderKey, OrderRecord, Store, StoreTransaction } from '../store/index.js';
import { formatOrderKey } from '../store/index.js';
import type {
  Cancellation,
  Decision,
  DocumentProtocol,
  HealthProfessional,
  ImagingOrder,
  MessageContextInput,
  Organisation,
  PerformedExam,
  PostExamInfo,
  Protocol,
  Reason,
} from '../tlr/index.js';
import {
  TlrBuildError,
  buildCancellationMessage,
  buildDecisionMessage,
  buildOrderMessage,
  buildPostExamMessage,
  dateTimeFromDate,
} from '../tlr/index.js';
import type { OrderEvent } from '../workflow/index.js';
import { applyEvent } from '../workflow/index.js';
import type { GatewayConfig } from './config.js';
import { GatewayError } from './errors.js';
import type { GatewayEvent } from './events.js';
import { summaryOf } from './message-facts.js';
import type { OrderData } from './order-data.js';
import { orderDataOf } from './order-data.js';

/** Result of an action that sends a message: the order after it and the queued message. */
export interface SentMessage {
  order: OrderRecord;
  messageId: number;
  controlId: string;
  findings: Finding[];
  /** The action had already been done: nothing was sent, this is the message that did it. */
  repeated?: boolean;
}

export interface ActionContext {
  config: GatewayConfig;
  store: Store;
  enqueueEvent: (tx: StoreTransaction, event: GatewayEvent) => Promise<void>;
  /** Wakes the outbox dispatcher once the transaction committed. */
  queued: () => void;
  emitted: (events: GatewayEvent[]) => void;
}

export function messageContext(config: GatewayConfig): MessageContextInput {
  return {
    sendingApplication: config.identity.application,
    sendingFacility: config.identity.facility,
    receivingApplication: config.partner.application,
    receivingFacility: config.partner.facility,
    processingId: config.processingId,
    charset: config.charset,
  };
}

/** What {@link send} sends, and what it changes in the order. */
export interface OutboundChange {
  key: OrderKey;
  /** The workflow event the message is. */
  event: OrderEvent;
  /** Builds the message; a {@link TlrBuildError} is answered 422. */
  build: () => Message;
  /**
   * Merged into the order's data; as a function, computed from the data of the order locked in the
   * transaction and the journal id of the queued message (reports keep the id of their message).
   */
  data: OrderData | ((current: OrderData, messageId: number) => OrderData);
  /** Recorded when the order is created. */
  patientId?: string | undefined;
  /** Our validation of the built message; default the Téléradiologie profiles ({@link validateMessage}). */
  validate?: (m: Message) => { valid: boolean; issues: Finding[] };
  /** Whether the order's data comes from this same request: only then is the action a repeat ({@link previousMessageFor}); default yes. */
  sameRequest?: (current: OrderData) => boolean;
}

/**
 * Builds a message with the typed builders, validates it (we never send what our own validator
 * refuses: HTTP 422 with the findings), then in ONE transaction applies the order event and queues
 * the message in the partner outbox, so the state and the message cannot disagree after a crash.
 */
export async function send(ctx: ActionContext, change: OutboundChange): Promise<SentMessage> {
  const { key, event, build, data, patientId, validate = validateMessage, sameRequest = () => true } = change;
  let message: Message;
  try {
    message = build();
  } catch (e) {
    if (e instanceof TlrBuildError) {
      throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', `${e.path}: ${e.message}`, 422, { field: e.path, code: e.code });
    }
    throw e;
  }
  const report = validate(message);
  if (!report.valid) {
    throw new GatewayError(
      'TLR_ERR_GATEWAY_INVALID_MESSAGE',
      'The message built from this request does not conform to the Téléradiologie volet',
      422,
      {
        findings: report.issues,
      },
    );
  }
  const raw = message.toBytes();
  const done = await ctx.store.transaction(async (tx) => {
    // Lock the order first (outbox ids then follow the order of state changes), journal the message so the
    // order data can point at it (reports keep their message id), then apply the event.
    const locked = await tx.lockOrder(ctx.config.role, key);
    const current = orderDataOf(locked);
    const previous = locked ? await previousMessageFor(ctx, locked, event, sameRequest(current)) : undefined;
    if (previous) return { order: locked!, messageId: previous.messageId, controlId: previous.controlId, events: [], repeated: true };
    const queued = await tx.enqueueOutbound({
      partner: ctx.config.partner.name,
      raw,
      summary: summaryOf(message),
      orderKey: formatOrderKey(key),
      findings: report.issues,
    });
    const outcome = await tx.applyOrderEvent({
      role: ctx.config.role,
      key,
      event,
      partner: ctx.config.partner.name,
      messageId: queued.messageId,
      data: typeof data === 'function' ? data(current, queued.messageId) : data,
      ...(patientId ? { patientId } : {}),
    });
    if (!outcome.transition.accept) {
      // Throwing rolls the transaction back: neither the message nor the state change is kept.
      const t = outcome.transition;
      const status = t.errorCode === '204' ? 404 : 409;
      throw new GatewayError(status === 404 ? 'TLR_ERR_GATEWAY_NOT_FOUND' : 'TLR_ERR_GATEWAY_CONFLICT', t.message, status, {
        rule: t.rule,
        state: t.from,
      });
    }
    const updated: GatewayEvent = {
      type: 'order.updated',
      orderKey: formatOrderKey(key),
      placerOrderNumber: key.placerNumber,
      state: outcome.order!.state,
      messageId: queued.messageId,
      at: new Date().toISOString(),
    };
    return { order: outcome.order!, messageId: queued.messageId, controlId: message.header.controlId, events: [updated], repeated: false };
  });
  if (done.repeated) return { order: done.order, messageId: done.messageId, controlId: done.controlId, findings: [], repeated: true };
  ctx.queued();
  ctx.emitted(done.events);
  return { order: done.order, messageId: done.messageId, controlId: done.controlId, findings: report.issues };
}

/**
 * When an action repeats one already done (a client retrying after a lost answer, a double click),
 * the message that did it, so that nothing new is sent. An action is a repeat when the workflow would
 * now refuse it or accept it as a no-op (a second cancellation) AND an earlier transition of the order
 * was this same event with the same outcome (an acceptance does not repeat a refusal) for the same
 * request (`sameRequest`, e.g. the same flow-1 data). Anything else goes on, to be sent or refused.
 */
async function previousMessageFor(
  ctx: ActionContext,
  order: OrderRecord,
  event: OrderEvent,
  sameRequest: boolean,
): Promise<{ messageId: number; controlId: string } | undefined> {
  if (!sameRequest) return undefined;
  const now = applyEvent(order.state, event, ctx.config.role);
  if (now.accept && now.warning === undefined) return undefined;
  const transitions = await ctx.store.orderTransitions(order.id);
  for (let i = transitions.length - 1; i >= 0; i--) {
    const t = transitions[i]!;
    if (t.event !== event.type || t.messageId === null) continue;
    const then = applyEvent(t.from, event, ctx.config.role);
    if (!then.accept || then.next !== t.to) continue;
    const message = await ctx.store.getMessage(t.messageId);
    if (message?.direction !== 'outbound') continue;
    return { messageId: t.messageId, controlId: message.summary.controlId ?? '' };
  }
  return undefined;
}

export async function requireOrder(ctx: ActionContext, key: OrderKey): Promise<{ order: OrderRecord; data: OrderData }> {
  const order = await ctx.store.getOrder(ctx.config.role, key);
  if (!order) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `No order ${key.placerNumber} (${key.assigningAuthority})`, 404);
  return { order, data: orderDataOf(order) };
}

function keyOf(order: ImagingOrder): OrderKey {
  return { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
}

function insOf(order: ImagingOrder): string | undefined {
  return order.patient.ins?.value ?? order.patient.identifiers?.[0]?.value;
}

/** Actions of the RIS half-connector (flows 1, 2 and 4). */
export class RisActions {
  constructor(private readonly ctx: ActionContext) {}

  /** Flow 1: transmits an imaging request (ORM^O01 NW). */
  createOrder(order: ImagingOrder): Promise<SentMessage> {
    const key = keyOf(order);
    return send(this.ctx, {
      key,
      event: { type: 'order' },
      build: () => buildOrderMessage(order, messageContext(this.ctx.config)),
      data: { order },
      patientId: insOf(order),
      sameRequest: (current) => current.order !== undefined && canonicalJson(current.order) === canonicalJson(order),
    });
  }

  /** Flow 2: cancels a request (ORM^O01 CA), reusing the patient, visit and professionals of flow 1. */
  async cancelOrder(
    key: OrderKey,
    input: { reason?: Reason; cancelledAt?: string; responsibleProfessional?: HealthProfessional },
  ): Promise<SentMessage> {
    const { data } = await requireOrder(this.ctx, key);
    const order = data.order;
    if (!order) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'The order has no flow-1 data to cancel', 409);
    const cancellation: Cancellation = {
      placerOrderNumber: order.placerOrderNumber,
      patient: order.patient,
      visit: order.visit,
      cancelledAt: input.cancelledAt ?? dateTimeFromDate(new Date()),
      responsibleProfessional: input.responsibleProfessional ?? order.responsibleProfessional,
      ...(order.remoteRadiologist ? { remoteRadiologist: order.remoteRadiologist } : {}),
      imagingFacility: order.imagingFacility,
      ...(input.reason ? { reason: input.reason } : {}),
    };
    return send(this.ctx, {
      key,
      event: { type: 'cancellation' },
      build: () => buildCancellationMessage(cancellation, messageContext(this.ctx.config)),
      data: { cancellation },
    });
  }

  /** Flow 4: post-exam information (OMI^O23 SR), one ORDER group per performed exam. */
  async sendPostExamInfo(key: OrderKey, exams: PerformedExam[]): Promise<SentMessage> {
    const { data } = await requireOrder(this.ctx, key);
    const order = data.order;
    if (!order) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'The order has no flow-1 data', 409);
    const info: PostExamInfo = { placerOrderNumber: order.placerOrderNumber, patient: order.patient, visit: order.visit, exams };
    return send(this.ctx, {
      key,
      event: { type: 'postExamInfo' },
      build: () => buildPostExamMessage(info, messageContext(this.ctx.config)),
      data: { postExamInfo: info },
    });
  }
}

/** Actions of the teleradiology platform half-connector (flow 3). */
export class PlatformActions {
  constructor(
    private readonly ctx: ActionContext,
    private readonly platform: Organisation,
  ) {}

  /** Flow 3, accepted (ORC-1 OK) with one or more protocols. */
  accept(
    key: OrderKey,
    input: { remoteRadiologist: HealthProfessional; protocols: Protocol[]; platform?: Organisation },
  ): Promise<SentMessage> {
    return this.#decide(key, input.remoteRadiologist, { accepted: true, protocols: input.protocols }, input.platform);
  }

  /** Flow 3, refused (ORC-1 OC) with an optional reason. */
  refuse(key: OrderKey, input: { remoteRadiologist: HealthProfessional; reason?: Reason; platform?: Organisation }): Promise<SentMessage> {
    return this.#decide(
      key,
      input.remoteRadiologist,
      { accepted: false, ...(input.reason ? { reason: input.reason } : {}) },
      input.platform,
    );
  }

  async #decide(
    key: OrderKey,
    remoteRadiologist: HealthProfessional,
    outcome: Decision['outcome'],
    platform?: Organisation,
  ): Promise<SentMessage> {
    const { data } = await requireOrder(this.ctx, key);
    const order = data.order;
    if (!order) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'The order has no flow-1 data', 409);
    const decision: Decision = {
      placerOrderNumber: order.placerOrderNumber,
      patient: order.patient,
      visit: order.visit,
      remoteRadiologist,
      platform: platform ?? this.platform,
      outcome,
    };
    return send(this.ctx, {
      key,
      event: { type: 'decision', accepted: outcome.accepted },
      build: () => buildDecisionMessage(decision, messageContext(this.ctx.config)),
      data: { decision },
    });
  }
}

export type { DocumentProtocol };

/** JSON with object keys sorted, to compare two requests whatever the order of their keys. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

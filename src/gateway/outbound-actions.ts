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
import { StoreError } from '../store/index.js';
import type { GatewayConfig, PartnerConfig } from './config.js';
import { GatewayError } from './errors.js';
import { PartnerDirectory } from './partners.js';
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
  /** The partners messages go to (default: those of `config`). */
  partners?: PartnerDirectory;
  enqueueEvent: (tx: StoreTransaction, event: GatewayEvent) => Promise<void>;
  /** Wakes the outbox dispatcher of the partner (of every partner when none is named) once the transaction committed. */
  queued: (partner?: string) => void;
  emitted: (events: GatewayEvent[]) => void;
}

/** MSH-3..6, MSH-11 and MSH-18 of a message to `partner` (default: the configured default partner). */
export function messageContext(
  config: GatewayConfig,
  partner: Pick<PartnerConfig, 'application' | 'facility'> = config.partner,
): MessageContextInput {
  return {
    sendingApplication: config.identity.application,
    sendingFacility: config.identity.facility,
    receivingApplication: partner.application,
    receivingFacility: partner.facility,
    processingId: config.processingId,
    charset: config.charset,
  };
}

const directories = new WeakMap<GatewayConfig, PartnerDirectory>();

/** The partner directory of an action context (one per configuration when the context has none). */
function directoryOf(ctx: ActionContext): PartnerDirectory {
  if (ctx.partners) return ctx.partners;
  let d = directories.get(ctx.config);
  if (!d) {
    d = new PartnerDirectory(ctx.config);
    directories.set(ctx.config, d);
  }
  return d;
}

/**
 * The partner an order's messages go to: the one its key names (an order read from the store: the
 * partner it was exchanged with), else the default partner. An unknown name is a 422.
 */
export function partnerFor(ctx: ActionContext, key: OrderKey): PartnerConfig {
  const directory = directoryOf(ctx);
  if (key.partner === undefined || key.partner === '') return directory.defaultPartner;
  const partner = directory.get(key.partner);
  if (!partner) throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', `No partner named ${key.partner} is configured`, 422);
  return partner;
}

/** What {@link send} sends, and what it changes in the order. */
export interface OutboundChange {
  key: OrderKey;
  /** The workflow event the message is. */
  event: OrderEvent;
  /** Builds the message addressed with `context` (the partner's MSH-5/MSH-6); a {@link TlrBuildError} is answered 422. */
  build: (context: MessageContextInput, partner: PartnerConfig) => Message;
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
  const { event, build, data, patientId, validate = validateMessage, sameRequest = () => true } = change;
  const partner = partnerFor(ctx, change.key);
  if (!partner.enabled) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', `Partner ${partner.name} is disabled`, 409);
  // An order recorded without a partner ('') keeps its key; its messages go to the default partner.
  const key: OrderKey = { ...change.key, partner: change.key.partner ?? partner.name };
  let message: Message;
  try {
    message = build(messageContext(ctx.config, partner), partner);
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
      partner: partner.name,
      raw,
      summary: summaryOf(message),
      orderKey: formatOrderKey(key),
      findings: report.issues,
    });
    const outcome = await tx.applyOrderEvent({
      role: ctx.config.role,
      key,
      event,
      partner: partner.name,
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
      partner: partner.name,
      state: outcome.order!.state,
      messageId: queued.messageId,
      at: new Date().toISOString(),
    };
    return { order: outcome.order!, messageId: queued.messageId, controlId: message.header.controlId, events: [updated], repeated: false };
  });
  if (done.repeated) return { order: done.order, messageId: done.messageId, controlId: done.controlId, findings: [], repeated: true };
  ctx.queued(partner.name);
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
  const order = await getOrderOrConflict(ctx.store, ctx.config.role, key);
  if (!order) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `No order ${key.placerNumber} (${key.assigningAuthority})`, 404);
  return { order, data: orderDataOf(order) };
}

/** `getOrder`, with an order of several partners (the key names none) answered 409. */
export async function getOrderOrConflict(store: Store, role: OrderRecord['role'], key: OrderKey): Promise<OrderRecord | null> {
  try {
    return await store.getOrder(role, key);
  } catch (e) {
    if (e instanceof StoreError && e.code === 'TLR_ERR_STORE_AMBIGUOUS_ORDER') {
      throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', `${e.message} (?partner=)`, 409);
    }
    throw e;
  }
}

function keyOf(order: ImagingOrder, partner?: string): OrderKey {
  return {
    placerNumber: order.placerOrderNumber.value,
    assigningAuthority: order.placerOrderNumber.authorityOid,
    ...(partner !== undefined ? { partner } : {}),
  };
}

function insOf(order: ImagingOrder): string | undefined {
  return order.patient.ins?.value ?? order.patient.identifiers?.[0]?.value;
}

/** Actions of the RIS half-connector (flows 1, 2 and 4). */
export class RisActions {
  constructor(private readonly ctx: ActionContext) {}

  /** Flow 1: transmits an imaging request (ORM^O01 NW) to `partner` (default: the default partner). */
  createOrder(order: ImagingOrder, partner?: string): Promise<SentMessage> {
    const key = keyOf(order, partner ?? directoryOf(this.ctx).defaultPartner.name);
    return send(this.ctx, {
      key,
      event: { type: 'order' },
      build: (context) => buildOrderMessage(order, context),
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
    const { order: stored, data } = await requireOrder(this.ctx, key);
    const order = data.order;
    if (!order) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'The order has no flow-1 data to cancel', 409);
    key = stored.key;
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
      build: (context) => buildCancellationMessage(cancellation, context),
      data: { cancellation },
    });
  }

  /** Flow 4: post-exam information (OMI^O23 SR), one ORDER group per performed exam. */
  async sendPostExamInfo(key: OrderKey, exams: PerformedExam[]): Promise<SentMessage> {
    const { order: stored, data } = await requireOrder(this.ctx, key);
    const order = data.order;
    if (!order) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'The order has no flow-1 data', 409);
    key = stored.key;
    const info: PostExamInfo = { placerOrderNumber: order.placerOrderNumber, patient: order.patient, visit: order.visit, exams };
    return send(this.ctx, {
      key,
      event: { type: 'postExamInfo' },
      build: (context) => buildPostExamMessage(info, context),
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
    const { order: stored, data } = await requireOrder(this.ctx, key);
    const order = data.order;
    if (!order) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'The order has no flow-1 data', 409);
    key = stored.key;
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
      build: (context) => buildDecisionMessage(decision, context),
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

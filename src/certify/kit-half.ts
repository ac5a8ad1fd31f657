import type { GatewayConfig } from '../gateway/config.js';
import { documentRequestFor } from '../gateway/documents/document-request.js';
import { reportInputFor } from '../gateway/documents/report-input.js';
import { generateImagingReport } from '../documents/report/index.js';
import { buildDocumentMessage, validateDocumentMessage } from '../documents/transport/index.js';
import type { Message } from '../hl7/index.js';
import { buildAck, tryParseMessage } from '../hl7/index.js';
import { headerForAck } from '../mllp/index.js';
import type { Finding, ValidationReport } from '../profiles/index.js';
import { ackForValidation } from '../profiles/index.js';
import type { ClinicalDataGenerator } from '../simulate/index.js';
import type { OrderKey } from '../store/index.js';
import type { Decision, ImagingOrder, MessageCharset, PostExamInfo, Protocol, TlrMessage } from '../tlr/index.js';
import {
  buildCancellationMessage,
  buildDecisionMessage,
  buildOrderMessage,
  buildPostExamMessage,
  dateTimeFromDate,
  readMessage,
} from '../tlr/index.js';
import type { OrderEvent, OrderState, ReportRecord, TransitionResult } from '../workflow/index.js';
import { applyEvent } from '../workflow/index.js';
import type { CertifyRole, PlanMessage, ProtocolKind, SendSpec } from './plan.js';

/** An order of the run, as the kit's half keeps it. */
export interface KitOrder {
  label: string;
  key: OrderKey;
  order: ImagingOrder;
  /** The state of the order in the kit's half (the workflow table applied to what was exchanged). */
  state: OrderState;
  decision?: Decision;
  postExamInfo?: PostExamInfo;
  reports: ReportRecord[];
}

/** Sending and receiving application and facility (MSH-3…6). */
export interface Routing {
  kit: { application: string; facility: string };
  partner: { application: string; facility: string };
}

/** A message the tested system sent to the kit, with what the kit made of it. */
export interface ReceivedMessage {
  at: Date;
  bytes: Buffer;
  /** Undefined when it could not be parsed. */
  message: Message | undefined;
  kind: PlanMessage | undefined;
  key: OrderKey | undefined;
  controlId: string;
  findings: Finding[];
  valid: boolean;
  /** The domain value read from a business message (flows 1–4). */
  value: TlrMessage | undefined;
  /** Number of ORDER groups (flow 4) and whether each carries the DRIMbox URL. */
  exams?: { count: number; withViewerUrl: number };
  ack: Buffer;
  /** Same MSH-3, MSH-4, MSH-10 as an earlier message: answered with its acknowledgement. */
  duplicate: boolean;
  /** Taken by a step. */
  claimed: boolean;
}

export const orderKeyOf = (k: OrderKey): string => `${k.assigningAuthority}|${k.placerNumber}`;

/** The workflow event a message carries. */
export function eventOf(kind: PlanMessage, accepted = true, remainingReports = 0): OrderEvent {
  switch (kind) {
    case 'order':
      return { type: 'order' };
    case 'cancel':
      return { type: 'cancellation' };
    case 'decision':
      return { type: 'decision', accepted };
    case 'post-exam':
      return { type: 'postExamInfo' };
    case 'report-initial':
      return { type: 'report' };
    case 'report-replace':
      return { type: 'reportReplaced' };
    case 'report-delete':
      return { type: 'reportDeleted', remainingReports };
  }
}

/** Which of our plan's messages a parsed message is (undefined: none of the volets'). */
export function kindOf(message: Message): PlanMessage | undefined {
  const code = message.header.messageCode;
  const trigger = message.header.triggerEvent;
  if (code === 'ORM') return message.get('ORC-1') === 'CA' ? 'cancel' : 'order';
  if (code === 'ORU' && message.segment('TXA') === undefined && message.get('OBR-4.1') !== 'DOCUMENT') return 'decision';
  if (code === 'OMI') return 'post-exam';
  if (code === 'MDM') return trigger === 'T10' ? 'report-replace' : trigger === 'T04' ? 'report-delete' : 'report-initial';
  return undefined;
}

export const MESSAGE_LABELS: Readonly<Record<PlanMessage, string>> = {
  order: 'flow 1, imaging request (ORM^O01, ORC-1 NW)',
  cancel: 'flow 2, cancellation (ORM^O01, ORC-1 CA)',
  decision: 'flow 3, response (ORU^R01, ORC-1 OK/OC)',
  'post-exam': 'flow 4, post-exam information (OMI^O23, ORC-1 SR)',
  'report-initial': 'imaging report (MDM^T02)',
  'report-replace': 'report replacement (MDM^T10)',
  'report-delete': 'report deletion (MDM^T04)',
};

export const isDocument = (kind: PlanMessage | undefined): boolean => kind?.startsWith('report-') ?? false;

/**
 * The kit's half of the volet: it builds what its role sends with the library's writers, from the
 * clinical data generator's synthetic patients, and receives what the tested system sends as our
 * gateway does — validator first, then the one workflow table, then the acknowledgement
 * (`ackForValidation`, AR with the table's 0357 code, or the original ACK of a re-delivery). It keeps
 * no store: a certification run is one process, its journal is the report.
 */
export class KitHalf {
  readonly role: CertifyRole;
  readonly orders = new Map<string, KitOrder>();
  readonly received: ReceivedMessage[] = [];
  /** MSH-3/4 of the first message or acknowledgement of the tested system. */
  partnerHeader: { application: string; facility: string } | undefined;
  #byControlId = new Map<string, ReceivedMessage>();
  #listeners = new Set<() => void>();
  /** The next message of this kind is answered only after this delay (slow-partner steps). */
  holdNext: { kind: PlanMessage; ms: number } | undefined;

  constructor(
    /** The role the kit plays (the other one than the tested system's). */
    role: CertifyRole,
    readonly generator: ClinicalDataGenerator,
    readonly routing: Routing,
    readonly processingId: 'P' | 'T' | 'D',
    /** Configuration of the kit's platform half, for the report builders (role `platform` only). */
    readonly platformConfig: GatewayConfig | undefined,
  ) {
    this.role = role;
  }

  orderByKey(key: OrderKey): KitOrder | undefined {
    for (const o of this.orders.values()) if (orderKeyOf(o.key) === orderKeyOf(key)) return o;
    return undefined;
  }

  /** Whether an order of this key already has a plan label. */
  labelled(key: OrderKey): boolean {
    for (const [label, o] of this.orders) if (!label.startsWith('#') && orderKeyOf(o.key) === orderKeyOf(key)) return true;
    return false;
  }

  /** Called whenever a message arrives. */
  onReceived(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  transition(order: KitOrder | undefined, event: OrderEvent): TransitionResult {
    return applyEvent(order?.state ?? 'NONE', event, this.role);
  }

  context(charset: MessageCharset | undefined): {
    sendingApplication: string;
    sendingFacility: string;
    receivingApplication: string;
    receivingFacility: string;
    processingId: 'P' | 'T' | 'D';
    charset: MessageCharset;
  } {
    const r = this.routing;
    return {
      sendingApplication: r.kit.application,
      sendingFacility: r.kit.facility,
      receivingApplication: r.partner.application,
      receivingFacility: r.partner.facility,
      processingId: this.processingId,
      charset: charset ?? 'UNICODE UTF-8',
    };
  }

  /** The order a send step names: `unknown` is a fresh one nobody heard of; a new label of the RIS is a new request. */
  orderFor(spec: SendSpec): { order: KitOrder | undefined; fresh: ImagingOrder | undefined } {
    if (spec.order === 'unknown') return { order: undefined, fresh: this.generator.imagingOrder() };
    const known = this.orders.get(spec.order);
    if (known) return { order: known, fresh: undefined };
    if (spec.message === 'order') return { order: undefined, fresh: this.generator.imagingOrder() };
    return { order: undefined, fresh: undefined };
  }

  /** Builds the message of a send step. Throws when the plan asks for something the run cannot build. */
  async build(
    spec: SendSpec,
    order: ImagingOrder,
    kitOrder: KitOrder | undefined,
  ): Promise<{ message: Message; extra?: Partial<KitOrder> }> {
    const ctx = this.context(spec.charset);
    const g = this.generator;
    switch (spec.message) {
      case 'order':
        return { message: buildOrderMessage(order, ctx) };
      case 'cancel':
        return {
          message: buildCancellationMessage(
            {
              placerOrderNumber: order.placerOrderNumber,
              patient: order.patient,
              visit: order.visit,
              cancelledAt: dateTimeFromDate(new Date()),
              responsibleProfessional: order.responsibleProfessional,
              imagingFacility: order.imagingFacility,
              reason: g.cancellationReason(),
            },
            ctx,
          ),
        };
      case 'post-exam': {
        const exams = g.performedExams(order);
        while (exams.length < (spec.exams ?? 1)) exams.push(...g.performedExams(order));
        const info: PostExamInfo = {
          placerOrderNumber: order.placerOrderNumber,
          patient: order.patient,
          visit: order.visit,
          exams: exams.slice(0, spec.exams ?? 1),
        };
        return { message: buildPostExamMessage(info, ctx), extra: { postExamInfo: info } };
      }
      case 'decision': {
        const radiologist = kitOrder?.decision?.remoteRadiologist ?? g.remoteRadiologist();
        const platform = this.platformConfig?.organisation ?? g.platformOrganisation();
        let decision: Decision;
        if (spec.decision === 'refuse') {
          decision = { ...base(order), remoteRadiologist: radiologist, platform, outcome: { accepted: false, reason: g.refusalReason() } };
        } else {
          const protocols: Protocol[] = [];
          for (const p of spec.protocols ?? ['text'])
            protocols.push(p === 'text' ? g.textProtocol(order) : await g.pdfProtocol(order, radiologist, platform));
          decision = { ...base(order), remoteRadiologist: radiologist, platform, outcome: { accepted: true, protocols } };
        }
        return { message: buildDecisionMessage(decision, ctx), extra: { decision } };
      }
      case 'report-initial':
      case 'report-replace':
      case 'report-delete':
        return this.#report(spec, order, kitOrder);
    }
  }

  /** A report of the kit's platform half: the gateway's own report builders, from the order's data. */
  async #report(
    spec: SendSpec,
    order: ImagingOrder,
    kitOrder: KitOrder | undefined,
  ): Promise<{ message: Message; extra?: Partial<KitOrder> }> {
    const config = this.platformConfig;
    if (!config) throw new Error('reports are sent by the platform half only');
    const g = this.generator;
    const decision = kitOrder?.decision ?? {
      ...base(order),
      remoteRadiologist: g.remoteRadiologist(),
      platform: config.organisation,
      outcome: { accepted: true as const, protocols: [g.textProtocol(order)] },
    };
    // A report for an order without post-exam information (after a cancellation) still needs an exam to describe.
    const postExamInfo = kitOrder?.postExamInfo ?? { ...base(order), visit: order.visit, exams: g.performedExams(order) };
    const current = kitOrder?.reports.filter((r) => r.status === 'current').at(-1);
    const kind = spec.message === 'report-initial' ? 'initial' : spec.message === 'report-replace' ? 'replace' : 'delete';
    if (kind !== 'initial' && !current) throw new Error(`no report of order ${spec.order} is in force to ${kind}`);
    const content =
      kind === 'delete'
        ? { clinicalContext: 'Document supprimé', technique: '-', findings: '-', conclusion: '-' }
        : g.reportContent(order, { corrected: kind === 'replace' });
    const input = reportInputFor(config, { order, decision, postExamInfo }, { content }, new Date());
    if (kind === 'replace' && current)
      input.document.replaces = { documentId: current.documentId, setId: current.setId, versionNumber: current.version };
    if (kind === 'delete' && current) {
      input.document.id = current.documentId;
      input.document.setId = current.setId;
      input.document.versionNumber = current.version;
    }
    const generated = await generateImagingReport(input, { level: 1 });
    const request = documentRequestFor(config, order, input, generated, kind, current?.documentId);
    request.context = { ...request.context, ...this.context(spec.charset), timestamp: new Date() };
    const record: ReportRecord = {
      documentId: generated.documentId,
      setId: generated.setId,
      version: generated.versionNumber,
      title: request.document.title,
      status: kind === 'delete' ? 'deleted' : 'current',
      messageId: 0,
      accessionNumber: input.exam.accessionNumber.value,
      level: 1,
      at: new Date().toISOString(),
    };
    const reports =
      kind === 'initial'
        ? [...(kitOrder?.reports ?? []), record]
        : (kitOrder?.reports ?? [])
            .map((r) => (r === current ? { ...r, status: kind === 'delete' ? ('deleted' as const) : ('replaced' as const) } : r))
            .concat(kind === 'replace' ? [record] : []);
    return { message: buildDocumentMessage(request), extra: { reports, decision, postExamInfo } };
  }

  /**
   * Receives one message of the tested system and returns its acknowledgement. Never throws: an
   * unreadable message is answered AE, as the gateway answers it.
   */
  async receive(bytes: Buffer): Promise<Buffer> {
    const parsed = tryParseMessage(bytes);
    const message = parsed.message;
    const at = new Date();
    const header = message?.header ?? parsed.header;
    if (header && !this.partnerHeader) this.partnerHeader = { application: header.sendingApplication, facility: header.sendingFacility };
    const controlId = header?.controlId ?? '';
    const dupKey = header ? `${header.sendingApplication}|${header.sendingFacility}|${controlId}` : '';
    const original = dupKey ? this.#byControlId.get(dupKey) : undefined;
    const kind = message ? kindOf(message) : undefined;
    const key: OrderKey | undefined = message?.get('ORC-2.1')
      ? { placerNumber: message.get('ORC-2.1'), assigningAuthority: message.get('ORC-2.3') }
      : undefined;
    if (original) {
      return this.#record({ ...original, at, bytes, duplicate: true, claimed: false });
    }
    let report: ValidationReport;
    let value: TlrMessage | undefined;
    if (isDocument(kind)) {
      report = validateDocumentMessage(parsed);
    } else {
      const read = readMessage(bytes);
      report = read.report;
      value = report.valid ? read.value : undefined;
    }
    const rec: ReceivedMessage = {
      at,
      bytes,
      message,
      kind,
      key,
      controlId,
      findings: report.issues,
      valid: report.valid,
      value,
      ack: Buffer.alloc(0),
      duplicate: false,
      claimed: false,
    };
    if (kind === 'post-exam' && message) {
      const exams = message.all('ORC').length;
      const withViewerUrl = value?.kind === 'postExamInfo' ? value.postExamInfo.exams.filter((e) => e.viewerUrl).length : 0;
      rec.exams = { count: exams, withViewerUrl };
    }
    let ack: Message;
    if (!message || !header) {
      ack = ackForValidation(headerForAck(bytes), report);
    } else if (!report.valid) {
      ack = ackForValidation(message, report);
    } else if (!kind || !key) {
      ack = buildAck(message, { code: 'AE', errors: [{ condition: '200', severity: 'E', message: 'not a message of the volet' }] });
    } else {
      const order = this.orderByKey(key);
      const accepted = value?.kind === 'decision' ? value.decision.outcome.accepted : true;
      const remaining = order ? order.reports.filter((r) => r.status === 'current').length - 1 : 0;
      const t = this.transition(order, eventOf(kind, accepted, Math.max(0, remaining)));
      if (!t.accept) {
        ack = buildAck(message, {
          code: 'AR',
          errors: [{ condition: t.errorCode, severity: 'E', message: t.message, ...(t.rule ? { applicationCode: t.rule } : {}) }],
        });
      } else {
        ack = buildAck(message, { code: 'AA' });
        this.#apply(kind, key, value, t.next, order);
      }
    }
    if (isDocument(kind) && message) ack.msh.set(12, message.header.version);
    rec.ack = ack.toBytes();
    if (dupKey && rec.valid) this.#byControlId.set(dupKey, rec);
    const hold = this.holdNext;
    if (hold && hold.kind === kind) {
      this.holdNext = undefined;
      this.#record(rec);
      await new Promise((resolve) => setTimeout(resolve, hold.ms));
      return rec.ack;
    }
    return this.#record(rec);
  }

  #record(rec: ReceivedMessage): Buffer {
    this.received.push(rec);
    for (const l of this.#listeners) l();
    return rec.ack;
  }

  #apply(kind: PlanMessage, key: OrderKey, value: TlrMessage | undefined, next: OrderState, order: KitOrder | undefined): void {
    if (kind === 'order' && value?.kind === 'order') {
      // Bound to a label by the step that awaits it.
      this.orders.set(`#${orderKeyOf(key)}`, { label: '', key, order: value.order, state: next, reports: [] });
      return;
    }
    if (!order) return;
    order.state = next;
    if (value?.kind === 'decision') order.decision = value.decision;
    if (value?.kind === 'postExamInfo') order.postExamInfo = value.postExamInfo;
  }

  /** Gives a received order its plan label. */
  bind(label: string, key: OrderKey): KitOrder | undefined {
    const anon = this.orders.get(`#${orderKeyOf(key)}`);
    if (!anon) return undefined;
    this.orders.delete(`#${orderKeyOf(key)}`);
    anon.label = label;
    this.orders.set(label, anon);
    return anon;
  }
}

function base(order: ImagingOrder): Pick<Decision, 'placerOrderNumber' | 'patient' | 'visit'> {
  return { placerOrderNumber: order.placerOrderNumber, patient: order.patient, visit: order.visit };
}

export type { ProtocolKind };

import type { Logger } from 'pino';
import type { Message, MessageHeader } from '../hl7/index.js';
import { buildAck, parseMessage, tryParseMessage } from '../hl7/index.js';
import type { MllpConnectionContext, MllpMessageHandler } from '../mllp/index.js';
import { buildTransportAck } from '../mllp/index.js';
import type { Finding, FlowProfile, ValidationReport } from '../profiles/index.js';
import { ackForValidation, validateMessage } from '../profiles/index.js';
import type { AckRecord, FlowId, InboundMessage, InboundOutcome, OrderEventOutcome, Store, StoreTransaction } from '../store/index.js';
import { formatOrderKey, storeFailureKind } from '../store/index.js';
import { tlrMessageFromMessage } from '../tlr/index.js';
import type { WorkflowRole } from '../workflow/index.js';
import { historyFindings } from '../workflow/checks/index.js';
import type { GatewayConfig } from './config.js';
import { contentDigestOf } from './content-digest.js';
import type { GatewayEvent, GatewayEventType } from './events.js';
import { factsOf, summaryOf, summaryOfHeader } from './message-facts.js';
import type { GatewayMetrics } from './metrics.js';
import { orderDataFromMessage } from './order-data.js';
import { historyFactsOf, studyInstanceUidsOf } from './order-history.js';
import { PartnerDirectory, UNATTRIBUTED, withPartnerPolicy } from './partners.js';
import type { PluginInbound } from './plugin.js';

/** Messages each role receives: the RIS gets flow 3 and reports, the platform flows 1, 2, 4 (and the order document). */
const RECEIVED_FLOWS: Record<WorkflowRole, ReadonlySet<string>> = {
  ris: new Set(['flux3', 'report']),
  platform: new Set(['flux1', 'flux2', 'flux4', 'report']),
};

const EVENT_FOR_FLOW: Record<string, GatewayEventType> = {
  flux1: 'order.received',
  flux2: 'order.cancelled',
  flux3: 'decision.received',
  flux4: 'postexam.received',
};

export interface InboundContext {
  config: GatewayConfig;
  store: Store;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Queues the webhooks of an event inside the transaction that caused it. */
  enqueueEvent: (tx: StoreTransaction, event: GatewayEvent) => Promise<void>;
  /** Called after commit with the events, for in-process listeners. */
  emitted: (events: GatewayEvent[]) => void;
  /**
   * Flows handled by plug-ins (the documents layer: MDM/ORU with CDA), validated and applied by them;
   * document messages that no plug-in handles are refused as unsupported.
   */
  plugged?: readonly PluginInbound[];
  /** The partners messages are attributed to ({@link PartnerDirectory.attribute}); default: those of `config`. */
  partners?: PartnerDirectory;
}

interface Decision {
  ack: AckRecord;
  events: GatewayEvent[];
  /** Why the gateway itself refused the message (metric label), beside what validation found. */
  rejection?: 'control_id_reused' | 'partner_identity';
  findings?: Finding[];
}

function ackRecord(ack: Message): AckRecord {
  return { raw: ack.toBytes(), code: ack.get('MSA-1') as AckRecord['code'], controlId: ack.header.controlId };
}

/**
 * The MLLP handler of a half-connector: parse → validate against the volet → apply the order
 * workflow → journal → acknowledge. The acknowledgement is written only after the transaction that
 * stored the message, its state change and its webhooks has committed (commit, then acknowledge): an
 * AA always means "stored durably", and a crash before the commit makes the sender retry.
 */
export function createInboundHandler(ctx: InboundContext): MllpMessageHandler {
  const role = ctx.config.role;
  const partners = ctx.partners ?? new PartnerDirectory(ctx.config);
  const pluggedFor = (flow: FlowId): PluginInbound | undefined => ctx.plugged?.find((p) => p.flows.includes(flow));
  return async (bytes: Buffer, conn: MllpConnectionContext): Promise<Uint8Array> => {
    const parsed = tryParseMessage(bytes);
    const message = parsed.message;
    const attribution = partners.attribute(conn, parsed.header);
    const partner = attribution.refused ? (attribution.connectionPartner ?? UNATTRIBUTED) : attribution.partner.name;

    if (!message || (parsed.errors.length > 0 && !parsed.header?.controlId)) {
      // Not readable far enough to validate: journal it anyway (never silent loss) and answer AE.
      const header = parsed.header;
      const findings: Finding[] = parsed.errors.map((e) => ({
        severity: 'error',
        rule: 'TLR-GEN-001',
        location: e.location ? `${e.location.segment}${e.location.field ? `-${e.location.field}` : ''}` : 'MSH',
        message: e.message,
        condition: e.condition,
      }));
      const ack = header
        ? buildAck(header, {
            code: 'AE',
            errors: parsed.errors.map((e) => ({
              condition: e.condition,
              severity: 'E' as const,
              location: e.location,
              message: e.message,
              applicationCode: 'TLR-GEN-001',
            })),
          })
        : // No readable MSH at all: the transport-level acknowledgement addresses it as best it can.
          parseMessage(buildTransportAck(bytes, 'AE', '100', parsed.errors[0]?.message ?? 'The message could not be read'));
      await ctx.store.recordInbound({ partner, raw: bytes, summary: summaryOfHeader(header, 'unknown'), findings }, () => ({
        ack: ackRecord(ack),
      }));
      ctx.metrics.messagesIn.inc({ type: 'unknown', outcome: 'AE', partner });
      ctx.logger.warn(
        { peer: conn.peer, controlId: header?.controlId, errors: parsed.errors.map((e) => e.code) },
        'unparseable message answered AE',
      );
      return ack.toBytes();
    }

    const facts = factsOf(message);
    const summary = summaryOf(message, facts.flow);
    const type = summary.messageType;
    if (attribution.refused) return refuseUnattributed(ctx, bytes, message, summary, partner, attribution.message, conn);
    const plugged = pluggedFor(facts.flow);
    let report: ValidationReport;
    if (parsed.errors.length > 0) {
      // Readable enough to answer, not to trust (control characters, charset, sizes): the parse
      // findings decide, whatever the flow, and nothing of the message reaches the workflow.
      report = validateMessage(parsed);
    } else if (plugged) {
      report = await plugged.validate(message);
    } else if (facts.flow === 'report') {
      report = unsupported(message, 'Document messages are not handled by this gateway');
    } else {
      report = validateMessage(message);
    }
    if (report.valid && !RECEIVED_FLOWS[role].has(facts.flow)) {
      report = unsupported(
        message,
        `A ${role === 'ris' ? 'RIS' : 'teleradiology platform'} does not receive ${type} ` +
          `${facts.flow === 'unknown' ? '' : `(${facts.flow}) `}messages`,
      );
    }
    report = withPartnerPolicy(report, attribution.partner);
    const inbound: InboundMessage = { partner, raw: bytes, summary, findings: report.issues, contentDigest: contentDigestOf(bytes) };

    let outcome: InboundOutcome<Decision>;
    try {
      outcome = await ctx.store.recordInbound<Decision>(inbound, async ({ messageId, tx, reusedControlId }) => {
        if (reusedControlId) return refuseReusedControlId(ctx, tx, message, messageId, reusedControlId.originalMessageId, report, facts);
        if (!report.valid) {
          const nack = plugged ? plugged.nack(message, report) : ackForValidation(message, report);
          return { ack: ackRecord(nack), events: [] };
        }
        if (plugged) {
          const r = await plugged.apply(message, tx, messageId, inbound);
          for (const e of r.events) await ctx.enqueueEvent(tx, e);
          return { ack: ackRecord(r.ack), events: r.events };
        }
        return applyBusinessMessage(ctx, tx, message, messageId, report, facts, partner);
      });
    } catch (error) {
      return storeFailed(ctx, error, inbound, message, conn);
    }

    if (outcome.duplicate) {
      ctx.metrics.messagesIn.inc({ type, outcome: 'duplicate', partner });
      ctx.logger.info(
        { peer: conn.peer, controlId: summary.controlId, messageId: outcome.messageId, contentMatches: outcome.contentMatches },
        're-delivered message answered with its original acknowledgement',
      );
      return outcome.ack.raw;
    }
    const ack = outcome.decision.ack;
    ctx.metrics.messagesIn.inc({ type, outcome: ack.code, partner });
    if (outcome.decision.rejection) ctx.metrics.messagesRejected.inc({ type, reason: outcome.decision.rejection, partner });
    ctx.logger.info(
      {
        peer: conn.peer,
        partner,
        controlId: summary.controlId,
        messageId: outcome.messageId,
        flow: facts.flow,
        ack: ack.code,
        errors: report.issues.filter((i) => i.severity === 'error').length,
      },
      'message processed',
    );
    if (outcome.decision.events.length) ctx.emitted(outcome.decision.events);
    return ack.raw;
  };
}

/**
 * Applies a business message (flows 1–4) to its order. The order-state verdict is the transition
 * table's, through the store ({@link applyEvent}); the history rules TLR-WF-011/012 come from the
 * same module the offline validator uses (`workflow/checks`), so that both answer alike. The history
 * findings are warnings: they never change MSA-1; they are journaled, and written on an `AA` as ERR
 * `W` (an `AR` carries its errors only, as `ackForValidation` builds it offline).
 */
async function applyBusinessMessage(
  ctx: InboundContext,
  tx: StoreTransaction,
  message: Message,
  messageId: number,
  report: ValidationReport,
  facts: ReturnType<typeof factsOf>,
  partner: string,
): Promise<Decision> {
  const key = { ...facts.key!, partner };
  const profile = facts.flow as FlowProfile;
  const domain = tlrMessageFromMessage(message);
  const studyInstanceUids = profile === 'flux4' ? studyInstanceUidsOf(message) : [];
  // Looked up before the event records this message's StudyInstanceUIDs with its own order.
  const owners = studyInstanceUids.length > 0 ? await tx.ordersOfStudies(ctx.config.role, studyInstanceUids) : [];
  const result: OrderEventOutcome = await tx.applyOrderEvent({
    role: ctx.config.role,
    key,
    event: facts.event!,
    messageId,
    partner,
    ...(facts.patientId ? { patientId: facts.patientId } : {}),
    data: domain ? orderDataFromMessage(domain) : {},
    ...(studyInstanceUids.length > 0 ? { studyInstanceUids } : {}),
  });
  const t = result.transition;
  const history = historyFindings(message, profile, historyFactsOf(key, result.order, owners));
  const historyErrors = history.map((w) => ({
    condition: w.condition,
    severity: 'W' as const,
    message: w.message,
    applicationCode: w.rule,
  }));
  const journaled = history.length > 0 ? { findings: [...report.issues, ...history] } : {};
  if (!t.accept) {
    const ack = buildAck(message, {
      code: 'AR',
      errors: [{ condition: t.errorCode, severity: 'E', message: t.message, applicationCode: t.rule }],
    });
    const event: GatewayEvent = {
      type: 'message.rejected',
      orderKey: formatOrderKey(key),
      placerOrderNumber: key.placerNumber,
      partner,
      messageId,
      at: new Date().toISOString(),
      data: { flow: facts.flow, reason: t.message, condition: t.errorCode, rule: t.rule },
    };
    await ctx.enqueueEvent(tx, event);
    return { ack: ackRecord(ack), events: [event], ...journaled };
  }
  const warnings = report.issues.filter((i) => i.severity === 'warning');
  const ackErrors = warnings.map((w) => ({ condition: w.condition, severity: 'W' as const, message: w.message, applicationCode: w.rule }));
  if (t.warning) ackErrors.push({ condition: '207', severity: 'W', message: t.warning, applicationCode: t.rule ?? 'TLR-WF' });
  ackErrors.push(...historyErrors);
  const ack = buildAck(message, { code: 'AA', errors: ackErrors });
  const events: GatewayEvent[] = [];
  if (t.changed || facts.flow === 'flux4') {
    const event: GatewayEvent = {
      type: EVENT_FOR_FLOW[facts.flow]!,
      orderKey: formatOrderKey(key),
      placerOrderNumber: key.placerNumber,
      partner,
      state: result.order?.state,
      messageId,
      at: new Date().toISOString(),
      data: domain ? orderDataFromMessage(domain) : {},
    };
    events.push(event);
    await ctx.enqueueEvent(tx, event);
  }
  return { ack: ackRecord(ack), events, ...journaled };
}

/**
 * The store could not take the message. A transient failure (database busy, full, unreachable) is
 * answered AR 207 with nothing stored: the sender sends again later, as AR asks. A permanent one
 * (the database refuses this message's data, or processing it fails) would fail the same way on every
 * retry, so AR would make the sender resend for ever: the bytes are journaled with the failure
 * (TLR-GW-001) and the message is answered AE 207, final, for an operator to look at.
 */
async function storeFailed(
  ctx: InboundContext,
  error: unknown,
  inbound: InboundMessage,
  message: Message,
  conn: MllpConnectionContext,
): Promise<Uint8Array> {
  const type = inbound.summary.messageType;
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  if (storeFailureKind(error) === 'transient') {
    ctx.metrics.messagesIn.inc({ type, outcome: 'AR', partner: inbound.partner });
    ctx.logger.warn(
      { peer: conn.peer, controlId: inbound.summary.controlId, code, err: reason },
      'storage unavailable: message answered AR 207, the sender will send it again',
    );
    return buildAck(message, {
      code: 'AR',
      errors: [
        {
          condition: '207',
          severity: 'E',
          message: 'The message could not be stored (storage temporarily unavailable); send it again later',
          applicationCode: 'TLR-GW-001',
        },
      ],
    }).toBytes();
  }
  ctx.logger.error(
    { peer: conn.peer, controlId: inbound.summary.controlId, code, err: reason },
    'message could not be processed: journaled and answered AE 207',
  );
  const why = typeof code === 'string' ? ` (${code})` : '';
  const text = `The message could not be processed${why}; it is kept in the journal for an operator`;
  const ack = buildAck(message, {
    code: 'AE',
    errors: [{ condition: '207', severity: 'E', message: text, applicationCode: 'TLR-GW-001' }],
  });
  const findings: Finding[] = [
    ...((inbound.findings ?? []) as Finding[]),
    { severity: 'error', rule: 'TLR-GW-001', location: 'MSH', message: `${text}: ${reason.slice(0, 500)}`, condition: '207' },
  ];
  // Journaled from its header alone: what the store refused may be in the rest of the summary.
  const { placerOrderNumber: _p, placerAssigningAuthority: _a, patientId: _i, ...header } = inbound.summary;
  await ctx.store.recordInbound({ partner: inbound.partner, raw: inbound.raw, summary: header, findings }, () => ({ ack: ackRecord(ack) }));
  ctx.metrics.messagesIn.inc({ type, outcome: 'AE', partner: inbound.partner });
  ctx.metrics.messagesRejected.inc({ type, reason: 'store_refused', partner: inbound.partner });
  return ack.toBytes();
}

/**
 * A message under the (MSH-3, MSH-4, MSH-10) of an accepted message, with other content: answering
 * from the journal (AA) would drop it silently, processing it would let one control id name two
 * messages. It is refused with AR 205 (duplicate key identifier, TLR-MSH-016): the sender must give
 * it a control id of its own. The original message is untouched.
 */
async function refuseReusedControlId(
  ctx: InboundContext,
  tx: StoreTransaction,
  message: Message,
  messageId: number,
  originalMessageId: number,
  report: ValidationReport,
  facts: ReturnType<typeof factsOf>,
): Promise<Decision> {
  const controlId = message.header.controlId;
  const text =
    `MSH-10 ${controlId} already names message #${originalMessageId}, accepted from this sender with other content; ` +
    `send this message under a new control id`;
  const ack = buildAck(message, {
    code: 'AR',
    errors: [
      {
        condition: '205',
        severity: 'E',
        location: { segment: 'MSH', occurrence: 1, field: 10 },
        message: text,
        applicationCode: 'TLR-MSH-016',
      },
    ],
  });
  const finding: Finding = { severity: 'error', rule: 'TLR-MSH-016', location: 'MSH-10', message: text, condition: '205' };
  const event: GatewayEvent = {
    type: 'message.rejected',
    messageId,
    at: new Date().toISOString(),
    ...(facts.key ? { orderKey: formatOrderKey(facts.key), placerOrderNumber: facts.key.placerNumber } : {}),
    data: {
      flow: facts.flow,
      reason: 'control id reused for different content',
      condition: '205',
      rule: 'TLR-MSH-016',
      controlId,
      originalMessageId,
    },
  };
  await ctx.enqueueEvent(tx, event);
  return { ack: ackRecord(ack), events: [event], rejection: 'control_id_reused', findings: [...report.issues, finding] };
}

function unsupported(message: Message, text: string): ValidationReport {
  const h: MessageHeader = message.header;
  return {
    profile: null,
    valid: false,
    issues: [{ severity: 'error', rule: 'TLR-GEN-002', location: 'MSH-9', message: `${text} (MSH-9 ${h.messageType})`, condition: '200' }],
    message,
  };
}

/**
 * A message no partner of its connection may send (another partner's MSH-3/MSH-4, a disabled partner, an
 * identity no partner has): answered AR with an ERR on MSH-4 (TLR-GW-002) and journaled as rejected with
 * that finding, under the connection's partner when it has one. Nothing of it reaches an order.
 */
async function refuseUnattributed(
  ctx: InboundContext,
  bytes: Buffer,
  message: Message,
  summary: ReturnType<typeof summaryOf>,
  partner: string,
  reason: string,
  conn: MllpConnectionContext,
): Promise<Uint8Array> {
  const type = summary.messageType;
  const location = { segment: 'MSH', field: 4 };
  const ack = buildAck(message, {
    code: 'AR',
    errors: [{ condition: '207', severity: 'E', location, message: reason, applicationCode: 'TLR-GW-002' }],
  });
  const findings: Finding[] = [{ severity: 'error', rule: 'TLR-GW-002', location: 'MSH-4', message: reason, condition: '207' }];
  // The journal keeps the header only: an unknown sender's order and patient identifiers are not filed.
  const { placerOrderNumber: _p, placerAssigningAuthority: _a, patientId: _i, ...header } = summary;
  try {
    const outcome = await ctx.store.recordInbound({ partner, raw: bytes, summary: header, findings }, () => ({ ack: ackRecord(ack) }));
    if (outcome.duplicate) return outcome.ack.raw;
  } catch (error) {
    ctx.logger.error({ peer: conn.peer, err: error instanceof Error ? error.message : String(error) }, 'refused message not journaled');
  }
  ctx.metrics.messagesIn.inc({ type, outcome: 'AR', partner });
  ctx.metrics.messagesRejected.inc({ type, reason: 'partner_identity', partner });
  ctx.logger.warn(
    {
      peer: conn.peer,
      partner,
      controlId: summary.controlId,
      sender: `${message.header.sendingApplication}^${message.header.sendingFacility}`,
    },
    'message refused: its sender is not a partner of this connection',
  );
  return ack.toBytes();
}

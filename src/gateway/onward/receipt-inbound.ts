import type { Logger } from 'pino';
import type { AckError, Message } from '../../hl7/index.js';
import { parseLocation, parseMessage, tryParseMessage } from '../../hl7/index.js';
import type { MllpConnectionContext, MllpMessageHandler } from '../../mllp/index.js';
import { buildTransportAck } from '../../mllp/index.js';
import { ackErrorOf } from '../../profiles/index.js';
import { buildDocumentAck, readBusinessReceipt } from '../../documents/transport/index.js';
import type { AckRecord, InboundMessage, InboundOutcome, PublicationRecord, Store, StoreTransaction } from '../../store/index.js';
import { storeFailureKind } from '../../store/index.js';
import { contentDigestOf } from '../content-digest.js';
import type { GatewayEvent } from '../events.js';
import { summaryOf, summaryOfHeader } from '../message-facts.js';
import type { GatewayMetrics } from '../metrics.js';

export interface ReceiptInboundContext {
  /** Partner name of the PFI in the journal. */
  partner: string;
  store: Store;
  metrics: GatewayMetrics;
  logger: Logger;
  enqueueEvent: (tx: StoreTransaction, event: GatewayEvent) => Promise<void>;
  emitted: (events: GatewayEvent[]) => void;
  /** Called after commit for each destination a receipt settled (metrics). */
  settled?: (publication: PublicationRecord) => void;
}

interface Decision {
  ack: AckRecord;
  events: GatewayEvent[];
  settled?: PublicationRecord;
}

function ackRecord(ack: Message): AckRecord {
  return { raw: ack.toBytes(), code: ack.get('MSA-1') as AckRecord['code'], controlId: ack.header.controlId };
}

/**
 * The MLLP handler of the receipt listener: the business receipts (ZAM^Z01 DMP, ZAM^Z02 MSSanté
 * delivery, ZAM^Z03 MSSanté read) the PFI sends about the reports the RIS handed it. Each is
 * validated with the document-transport pack, journaled, recorded against the report version's
 * destination named by OBX-4 (the MSH-10 of our message) and the mailbox, and acknowledged once
 * committed (`ACK^Z0x^ACK`, v2.6): AE with ERR for a message that is not a valid ZAM, AE 204 for a
 * receipt about no message or mailbox of ours, AR when the store is unavailable.
 */
export function createReceiptHandler(ctx: ReceiptInboundContext): MllpMessageHandler {
  return async (bytes: Buffer, conn: MllpConnectionContext): Promise<Uint8Array> => {
    const parsed = tryParseMessage(bytes);
    const message = parsed.message;
    if (!message || (parsed.errors.length > 0 && !parsed.header?.controlId)) {
      const ack = parseMessage(buildTransportAck(bytes, 'AE', '100', parsed.errors[0]?.message ?? 'The message could not be read'));
      await ctx.store.recordInbound({ partner: ctx.partner, raw: bytes, summary: summaryOfHeader(parsed.header, 'unknown') }, () => ({
        ack: ackRecord(ack),
      }));
      ctx.metrics.messagesIn.inc({ type: 'unknown', outcome: 'AE' });
      ctx.logger.warn({ peer: conn.peer }, 'unreadable message on the receipt listener answered AE');
      return ack.toBytes();
    }
    const { value, report } = readBusinessReceipt(message);
    const summary = summaryOf(message, 'report');
    const inbound: InboundMessage = {
      partner: ctx.partner,
      raw: bytes,
      summary,
      findings: report.issues,
      contentDigest: contentDigestOf(bytes),
    };
    const refuse = (code: 'AE' | 'AR', errors: AckError[]): Decision => ({
      ack: ackRecord(buildDocumentAck(message, { code, errors })),
      events: [],
    });
    let outcome: InboundOutcome<Decision>;
    try {
      outcome = await ctx.store.recordInbound<Decision>(inbound, async ({ tx, messageId, reusedControlId }) => {
        if (reusedControlId) {
          return refuse('AR', [{ condition: '205', severity: 'E', message: 'MSH-10 was already used by another receipt of this sender' }]);
        }
        if (!value) {
          return refuse('AE', [
            {
              condition: '200',
              severity: 'E',
              message: `This listener takes business receipts (ZAM^Z01/Z02/Z03) from the PFI, not ${summary.messageType}`,
            },
          ]);
        }
        if (!report.valid) {
          return refuse(
            'AE',
            report.issues
              .filter((i) => i.severity === 'error')
              .slice(0, 20)
              .map(ackErrorOf),
          );
        }
        // Read receipts are never asked for (ACK_LECTURE_MSS = N): one that comes is journaled and acknowledged.
        if (value.kind === 'mss-read') return { ack: ackRecord(buildDocumentAck(message, { code: 'AA' })), events: [] };
        const destination = value.kind === 'dmp' ? 'dmp' : 'mssante';
        const settled = await tx.settlePublication({
          controlId: value.acknowledgedControlId,
          destination,
          ...(value.mailbox ? { address: value.mailbox.address } : {}),
          accepted: value.success,
          ...(value.error ? { errorCode: value.error.code, errorText: value.error.label } : {}),
        });
        if (!settled) {
          return refuse('AE', [
            {
              condition: '204',
              severity: 'E',
              location: parseLocation(value.kind === 'dmp' ? 'OBX[1]-4' : 'OBX[2]-5.4'),
              message:
                value.kind === 'dmp'
                  ? `No report was sent to the DMP under MSH-10 ${value.acknowledgedControlId}`
                  : `No report was mailed to this MSSanté address under MSH-10 ${value.acknowledgedControlId}`,
            },
          ]);
        }
        const event = publicationEvent(settled, messageId);
        await ctx.enqueueEvent(tx, event);
        return { ack: ackRecord(buildDocumentAck(message, { code: 'AA' })), events: [event], settled };
      });
    } catch (error) {
      const transient = storeFailureKind(error) === 'transient';
      ctx.logger.error({ peer: conn.peer, controlId: summary.controlId, err: (error as Error).message }, 'receipt could not be recorded');
      ctx.metrics.messagesIn.inc({ type: summary.messageType, outcome: transient ? 'AR' : 'AE' });
      return buildDocumentAck(message, {
        code: transient ? 'AR' : 'AE',
        errors: [{ condition: '207', severity: 'E', message: 'The receipt could not be recorded; send it again later' }],
      }).toBytes();
    }
    if (outcome.duplicate) {
      ctx.metrics.messagesIn.inc({ type: summary.messageType, outcome: 'duplicate' });
      return outcome.ack.raw;
    }
    const { decision } = outcome;
    ctx.metrics.messagesIn.inc({ type: summary.messageType, outcome: decision.ack.code });
    ctx.logger.info(
      { peer: conn.peer, controlId: summary.controlId, messageId: outcome.messageId, ack: decision.ack.code },
      'business receipt processed',
    );
    if (decision.settled) ctx.settled?.(decision.settled);
    if (decision.events.length) ctx.emitted(decision.events);
    return decision.ack.raw;
  };
}

/** `report.published` (accepted by the DMP, delivered by MSSanté) or `report.publication_failed`. */
export function publicationEvent(p: PublicationRecord, messageId?: number): GatewayEvent {
  const bar = p.orderKey.indexOf('|');
  return {
    type: p.status === 'accepted' ? 'report.published' : 'report.publication_failed',
    orderKey: p.orderKey,
    placerOrderNumber: p.orderKey.slice(bar + 1),
    ...(messageId !== undefined ? { messageId } : {}),
    at: new Date().toISOString(),
    data: {
      documentId: p.documentId,
      version: p.version,
      request: p.requestKind,
      destination: p.destination,
      ...(p.address ? { address: p.address } : {}),
      status: p.status,
      ...(p.errorCode ? { code: p.errorCode } : {}),
      ...(p.errorText ? { text: p.errorText } : {}),
    },
  };
}

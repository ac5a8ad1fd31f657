import type { Message } from '../../hl7/index.js';
import type { Finding, ValidationReport } from '../../profiles/index.js';
import { ackErrorOf } from '../../profiles/index.js';
import { buildDocumentAck, readDocumentMessage } from '../../documents/transport/index.js';
import type { ReceivedDocumentMessage } from '../../documents/transport/index.js';
import type { CdaValidationReport } from '../../documents/validation/index.js';
import type { CdaValidation } from './cda-validation.js';
import { CdaRulesNotReadyError } from './cda-validation.js';
import type { OrderKey, StoreTransaction } from '../../store/index.js';
import { formatOrderKey } from '../../store/index.js';
import type { ReportRecord, ReportSetEvent, ReportSetRefusal } from '../../workflow/index.js';
import { applyReportSetEvent } from '../../workflow/index.js';
import type { GatewayConfig } from '../config.js';
import type { GatewayEvent, GatewayEventType } from '../events.js';
import { orderDataOf } from '../order-data.js';
import type { OrderDocumentRecord } from '../order-data.js';
import { withVersion } from './order-documents.js';
import type { AcceptedReport } from '../onward/onward-request.js';
import type { PluginInbound } from '../plugin.js';

/** LOINC document codes of the imaging report (CR-IMG) and of the imaging request document (DA-IMG). */
const REPORT_CODE = '18748-4';
const REQUEST_CODE = '55115-0';

/** The webhook event of each change of a report set. */
const EVENT_OF_KIND: Readonly<Record<ReportSetEvent['kind'], GatewayEventType>> = {
  initial: 'report.received',
  replace: 'report.replaced',
  delete: 'report.deleted',
};

/** ERR-8 of the AR 204 refusing a replacement or a deletion, naming the field of the message at fault. */
const REFUSAL_TEXT: Readonly<Record<ReportSetRefusal, string>> = {
  replaced_not_current: 'The replaced document (TXA-13) is not a current report of this order',
  deleted_not_current: 'The deleted document is not a current report of this order',
};

/**
 * Document messages (trans-cda-r2 volet) received by a half-connector: the RIS receives reports
 * (MDM^T02/T10/T04), the platform may receive the order as a DA-IMG document. The message is
 * checked against the volet's rules AND its CDA against the XSD and the official ANS schematrons:
 * the RIS must publish the report to the DMP unchanged, so it refuses (AE) a document that would not
 * pass. Acknowledgements keep the version of the acknowledged message (2.6 for MDM).
 */
/**
 * Told of every report the RIS accepted, in the transaction that accepts it (the onward route to the
 * PFI queues its message there); the events it returns are raised with the report's.
 */
export type ReportAcceptedHook = (tx: StoreTransaction, key: OrderKey, accepted: AcceptedReport) => Promise<GatewayEvent[]>;

export function documentInbound(config: GatewayConfig, validation: CdaValidation, onReportAccepted?: ReportAcceptedHook): PluginInbound {
  const read = new WeakMap<Message, ReceivedDocumentMessage | undefined>();
  const profiles = new WeakMap<Message, string>();
  return {
    flows: ['report'],

    async validate(message: Message): Promise<ValidationReport> {
      const r = readDocumentMessage(message);
      read.set(message, r.value);
      const issues: Finding[] = [...r.report.issues];
      const doc = r.value?.document;
      if (r.value && r.value.kind !== 'delete' && doc?.bytes) {
        let verdict: CdaValidationReport;
        try {
          verdict = await validation.validate(doc.bytes);
          profiles.set(message, verdict.profile);
        } catch (e) {
          if (!(e instanceof CdaRulesNotReadyError)) throw e;
          // AR 206: the message is not at fault; the sender retries after its backoff.
          issues.push({ severity: 'error', rule: 'CDA-RULES-NOT-READY', location: 'OBX-5.5', message: e.message, condition: '206' });
          return { profile: null, valid: false, issues, message };
        }
        for (const i of verdict.issues) {
          if (i.severity === 'info') continue;
          issues.push({
            severity: i.severity === 'error' ? 'error' : 'warning',
            rule: `CDA:${i.source}:${i.rule}`,
            location: 'OBX-5.5',
            message: `${i.message} (${i.location})`,
            condition: '207',
          });
        }
      }
      return { profile: null, valid: !issues.some((i) => i.severity === 'error'), issues, message };
    },

    nack(message: Message, report: ValidationReport): Message {
      const errors = report.issues.filter((i) => i.severity === 'error');
      // Only circumstantial conditions (204-207: unknown order, not ready…) → AR, "may be sent again later".
      const code = errors.every((e) => ['204', '205', '206', '207'].includes(e.condition) && !e.rule.startsWith('CDA:')) ? 'AR' : 'AE';
      return buildDocumentAck(message, { code, errors: errors.slice(0, 20).map(ackErrorOf) });
    },

    async apply(message: Message, tx: StoreTransaction, messageId: number) {
      const value = read.get(message) ?? readDocumentMessage(message).value;
      const placer = value?.order?.placerOrderNumber;
      const reject = (condition: '204' | '207', text: string) => ({
        ack: buildDocumentAck(message, { code: 'AR', errors: [{ condition, severity: 'E', message: text }] }),
        findings: [],
        events: [] as GatewayEvent[],
      });
      if (!value?.document) return reject('207', 'The message carries no document');
      if (!placer) return reject('204', 'The document message does not name its order (ORC-2 / OBR-2 / TXA-14)');
      const key = { placerNumber: placer.value, assigningAuthority: placer.authorityOid };
      const order = await tx.lockOrder(config.role, key);
      if (!order) return reject('204', `Unknown order ${placer.value}`);
      const doc = value.document;
      const isReport = doc.type.code === REPORT_CODE;
      if (config.role === 'platform' || !isReport) {
        // An order document (DA-IMG) or another companion document: attached, no state change.
        const event: GatewayEvent = {
          type: 'order.document.received',
          orderKey: formatOrderKey(key),
          placerOrderNumber: key.placerNumber,
          messageId,
          at: new Date().toISOString(),
          data: { type: doc.type, documentId: doc.id },
        };
        // Attached with its type, version and validity (it passed the rule sets of its profile, or it would
        // have been answered AE); a T10 replaces, a T04 deletes the current version of its set.
        const cda = doc.cda;
        const record: OrderDocumentRecord = {
          role: doc.type.code === REQUEST_CODE ? 'request' : 'supporting',
          direction: 'received',
          documentId: doc.id ?? cda?.id ?? { root: 'unknown' },
          setId: cda?.setId ?? doc.id ?? { root: 'unknown' },
          version: cda?.versionNumber ?? 1,
          title: cda?.title ?? doc.type.display ?? '',
          type: doc.type,
          level: doc.bytes ? (doc.bytes.includes('<nonXMLBody') ? 1 : 3) : null,
          status: value.kind === 'delete' ? 'deleted' : 'current',
          profile: profiles.get(message) ?? null,
          valid: true,
          errors: 0,
          messageId,
          at: event.at,
        };
        const replaced = value.kind === 'replace' ? value.replacedDocumentId : value.kind === 'delete' ? record.documentId : undefined;
        const documents = withVersion(orderDataOf(order).documents ?? [], record, replaced ? { documentId: replaced } : undefined);
        await tx.mergeOrderData(config.role, key, { documents });
        const received: GatewayEvent = { ...event, type: 'document.received', data: { ...record } };
        return { ack: buildDocumentAck(message, { code: 'AA' }), findings: [], events: [event, received] };
      }
      const cda = doc.cda;
      const record: ReportRecord = {
        documentId: doc.id ?? cda?.id ?? { root: 'unknown' },
        setId: cda?.setId ?? doc.id ?? { root: 'unknown' },
        version: cda?.versionNumber ?? 1,
        title: cda?.title ?? doc.type.display ?? '',
        status: 'current',
        messageId,
        at: new Date().toISOString(),
        // Level 1 carries the report as a PDF in nonXMLBody; level 3 has a structuredBody.
        ...(doc.bytes ? { level: doc.bytes.includes('<nonXMLBody') ? (1 as const) : (3 as const) } : {}),
      };
      const change: ReportSetEvent =
        value.kind === 'initial'
          ? { kind: 'initial', report: record }
          : value.kind === 'replace'
            ? { kind: 'replace', replaced: value.replacedDocumentId, report: record }
            : { kind: 'delete', deleted: record.documentId };
      const decision = applyReportSetEvent(orderDataOf(order).reports ?? [], change);
      if (!decision.accept) return reject(decision.errorCode, REFUSAL_TEXT[decision.refusal]);
      const outcome = await tx.applyOrderEvent({
        role: config.role,
        key,
        event: decision.event,
        messageId,
        data: { reports: decision.reports },
      });
      if (!outcome.transition.accept) {
        const t = outcome.transition;
        return {
          ack: buildDocumentAck(message, {
            code: 'AR',
            errors: [{ condition: t.errorCode, severity: 'E', message: t.message, applicationCode: t.rule }],
          }),
          findings: [],
          events: [],
        };
      }
      const ev: GatewayEvent = {
        type: EVENT_OF_KIND[change.kind],
        orderKey: formatOrderKey(key),
        placerOrderNumber: key.placerNumber,
        state: outcome.order?.state,
        messageId,
        at: new Date().toISOString(),
        data: { documentId: record.documentId, setId: record.setId, version: record.version, title: record.title },
      };
      const onward =
        onReportAccepted && doc.bytes
          ? await onReportAccepted(tx, key, {
              kind: change.kind,
              received: value,
              bytes: doc.bytes,
              report: record,
              order: orderDataOf(order).order,
              raw: message.toBytes(),
            })
          : [];
      return { ack: buildDocumentAck(message, { code: 'AA' }), findings: [], events: [ev, ...onward] };
    },
  };
}

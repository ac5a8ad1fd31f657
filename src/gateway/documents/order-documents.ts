import { generateImagingRequest, imagingRequestInputFromOrder, ImagingRequestError } from '../../documents/request/index.js';
import type { DocumentRequest } from '../../documents/transport/index.js';
import { DocumentTransportError, buildDocumentMessage, readCdaHeader, validateDocumentMessage } from '../../documents/transport/index.js';
import type { Message } from '../../hl7/index.js';
import type { CdaValidationReport } from '../../documents/validation/index.js';
import type { OrderKey } from '../../store/index.js';
import { formatOrderKey } from '../../store/index.js';
import type { HealthProfessional, Organisation } from '../../tlr/index.js';
import { GatewayError } from '../errors.js';
import { summaryOf } from '../message-facts.js';
import type { OrderData, OrderDocumentRecord } from '../order-data.js';
import { orderDataOf } from '../order-data.js';
import type { ActionContext } from '../outbound-actions.js';
import { partnerFor, requireOrder } from '../outbound-actions.js';
import type { CdaValidation } from './cda-validation.js';
import { CdaRulesNotReadyError } from './cda-validation.js';
import { documentPatientOf } from './document-request.js';
import { documentOfMessage } from './journal-document.js';
import { DEFAULT_FACILITY_TYPE, DEFAULT_PRACTICE_SETTING } from './report-input.js';

/** LOINC `55115-0`: the imaging request document (JDV_J07). */
export const IMAGING_REQUEST_TYPE = { code: '55115-0', display: "Demande d'acte d'imagerie", codingSystem: 'LN' };

/** What the RIS sends: a DA-IMG it generates, or a CDA it already has (its own DA-IMG, or a supporting document). */
export interface OrderDocumentInput {
  role: 'request' | 'supporting';
  /** Generate the DA-IMG from the order (requests only); `{ cda }`: the host's CDA as is; `{ pdf }`: a PDF wrapped as a level-1 DA-IMG. */
  source: { generate: 'level3' | 'level1' } | { cda: string } | { pdf: Uint8Array };
}

/** A document queued for the platform. */
export interface SentOrderDocument {
  document: OrderDocumentRecord;
  messageId: number;
  controlId: string;
}

/**
 * The RIS's request and supporting documents: each goes out as its own MDM (T02, T10 to replace, T04 to
 * delete) after the ORM^O01 of the same order, through the durable outbox in the order's lane, and only
 * once it passed the XSD and the ANS rule sets of its profile (HTTP 422 with the findings otherwise).
 * A cancelled order's documents are not sent (409).
 */
export class OrderDocumentActions {
  constructor(
    private readonly ctx: ActionContext,
    private readonly validation: CdaValidation,
  ) {}

  async add(key: OrderKey, input: OrderDocumentInput): Promise<SentOrderDocument> {
    return this.#send(key, input, 'initial');
  }

  /** Replaces the current version of a document set (T10): same setId, next version, `relatedDocument RPLC`. */
  async replace(key: OrderKey, input: OrderDocumentInput, setId?: string): Promise<SentOrderDocument> {
    return this.#send(key, input, 'replace', setId);
  }

  /** Deletes the current version of a document set (T04): the message repeats the document being deleted. */
  async delete(key: OrderKey, setId?: string): Promise<SentOrderDocument> {
    const { data } = await requireOrder(this.ctx, key);
    const current = currentOf(data, setId, 'request');
    const bytes = await documentOfMessage(this.ctx.store, current.messageId);
    return this.#enqueue(key, data, bytes.toString('utf8'), current.role, 'delete', current, {
      valid: current.valid,
      profile: current.profile,
      errors: 0,
    });
  }

  async #send(key: OrderKey, input: OrderDocumentInput, kind: 'initial' | 'replace', setId?: string): Promise<SentOrderDocument> {
    const { data } = await requireOrder(this.ctx, key);
    const order = data.order;
    if (!order) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'The order has no flow-1 data to document', 409);
    const current = kind === 'replace' ? currentOf(data, setId, input.role) : undefined;
    let xml: string;
    const source = input.source;
    if ('cda' in source) xml = source.cda;
    else {
      if (input.role !== 'request')
        throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', 'A supporting document is given as a CDA (`cda`)', 422);
      const level = 'pdf' in source ? 1 : source.generate === 'level1' ? 1 : 3;
      const requestInput = imagingRequestInputFromOrder(order, {
        document: {
          effectiveTime: new Date(),
          ...(current ? { replaces: { documentId: current.documentId, setId: current.setId, versionNumber: current.version } } : {}),
        },
        facilityType: DEFAULT_FACILITY_TYPE,
        practiceSetting: DEFAULT_PRACTICE_SETTING,
        ...('pdf' in source ? { pdf: source.pdf } : {}),
      });
      try {
        xml = (await generateImagingRequest(requestInput, { level })).xml;
      } catch (e) {
        if (e instanceof ImagingRequestError)
          throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', e.message, 422, { problems: e.problems });
        throw e;
      }
    }
    let verdict: CdaValidationReport;
    try {
      verdict = await this.validation.validate(xml);
    } catch (e) {
      if (e instanceof CdaRulesNotReadyError) throw new GatewayError('TLR_ERR_GATEWAY_NOT_READY', e.message, 503);
      throw e;
    }
    const errors = verdict.issues.filter((i) => i.severity === 'error');
    if (!verdict.valid)
      throw new GatewayError(
        'TLR_ERR_GATEWAY_INVALID_MESSAGE',
        'The document does not pass the XSD and ANS rule sets; it was not sent',
        422,
        {
          profile: verdict.profile,
          findings: errors.slice(0, 50),
        },
      );
    if (input.role === 'request' && !verdict.profile.startsWith('IMG-DA-IMG'))
      throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', `A request document is an IMG-DA-IMG, not ${verdict.profile}`, 422);
    return this.#enqueue(key, data, xml, input.role, kind, current, { valid: true, profile: verdict.profile, errors: 0 });
  }

  async #enqueue(
    key: OrderKey,
    data: OrderData,
    xml: string,
    role: 'request' | 'supporting',
    kind: 'initial' | 'replace' | 'delete',
    current: OrderDocumentRecord | undefined,
    verdict: { valid: boolean; profile: string | null; errors: number },
  ): Promise<SentOrderDocument> {
    const partner = partnerFor(this.ctx, key);
    const header = readCdaHeader(Buffer.from(xml, 'utf8')).header;
    if (!header?.id || !header.setId)
      throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', 'The document has no ClinicalDocument id and setId', 422);
    const order = data.order!;
    const prescriber = order.responsibleProfessional;
    const author: HealthProfessional = {
      idNat: prescriber.idNat,
      familyName: prescriber.familyName,
      givenName: prescriber.givenName,
      assigningAuthority: { universalId: '1.2.250.1.71.4.2.1', universalIdType: 'ISO' },
      identifierType: 'IDNPS',
      nameType: 'D',
    };
    const facility = order.imagingFacility;
    const custodian: Organisation = {
      name: facility.name,
      identifier: facility.identifierType === 'IDNST' ? facility.identifier : `1${facility.identifier}`,
      identifierType: 'IDNST',
      assigningAuthority: { universalId: '1.2.250.1.71.4.2.2', universalIdType: 'ISO' },
    };
    const type = header.code
      ? { code: header.code.code, display: header.code.displayName, codingSystem: 'LN' }
      : role === 'request'
        ? IMAGING_REQUEST_TYPE
        : { code: '34133-9', display: 'Synthèse', codingSystem: 'LN' };
    const base = {
      patient: documentPatientOf(order, order.patient),
      order: { placerOrderNumber: order.placerOrderNumber },
      document: {
        xml,
        id: header.id,
        setId: header.setId,
        version: header.versionNumber ?? 1,
        title: header.title ?? type.display,
        type,
        creationTime: new Date(),
        confidentiality: (header.confidentialityCode === 'R' || header.confidentialityCode === 'V' ? header.confidentialityCode : 'N') as
          | 'N'
          | 'R'
          | 'V',
        mimeType: 'text/xml' as const,
        author,
        custodian,
      },
      metadata: {},
      context: {
        sendingApplication: this.ctx.config.identity.application,
        sendingFacility: this.ctx.config.identity.facility,
        receivingApplication: partner.application,
        receivingFacility: partner.facility,
        processingId: this.ctx.config.processingId,
        charset: this.ctx.config.charset,
      },
    };
    const request: DocumentRequest = kind === 'replace' ? { ...base, kind, replacedDocumentId: current!.documentId } : { ...base, kind };
    let message: Message;
    try {
      message = buildDocumentMessage(request);
    } catch (e) {
      if (e instanceof DocumentTransportError)
        throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', `${e.path ?? ''} ${e.message}`.trim(), 422);
      throw e;
    }
    const checked = validateDocumentMessage(message);
    if (!checked.valid)
      throw new GatewayError('TLR_ERR_GATEWAY_INVALID_MESSAGE', 'The document message does not conform to the volet', 422, {
        findings: checked.issues,
      });
    const record: Omit<OrderDocumentRecord, 'messageId'> = {
      role,
      direction: 'sent',
      documentId: header.id,
      setId: header.setId,
      version: header.versionNumber ?? 1,
      title: request.document.title,
      type,
      level: xml.includes('<nonXMLBody') ? 1 : 3,
      status: kind === 'delete' ? 'deleted' : 'current',
      profile: verdict.profile,
      valid: verdict.valid,
      errors: verdict.errors,
      at: new Date().toISOString(),
    };
    const done = await this.ctx.store.transaction(async (tx) => {
      const locked = await tx.lockOrder(this.ctx.config.role, key);
      if (!locked) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `No order ${key.placerNumber}`, 404);
      if (locked.state === 'CANCELLED')
        throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'The order is cancelled: its documents are not sent', 409, {
          state: locked.state,
        });
      const queued = await tx.enqueueOutbound({
        partner: partner.name,
        raw: message.toBytes(),
        summary: summaryOf(message),
        // The order's lane: after its ORM^O01, before what follows.
        orderKey: formatOrderKey(key),
        findings: checked.issues,
      });
      const documents = withVersion(orderDataOf(locked).documents ?? [], { ...record, messageId: queued.messageId }, current);
      await tx.mergeOrderData(this.ctx.config.role, key, { documents });
      return { messageId: queued.messageId };
    });
    this.ctx.queued(partner.name);
    return { document: { ...record, messageId: done.messageId }, messageId: done.messageId, controlId: message.header.controlId };
  }
}

/** The documents after a new version: the replaced (or deleted) one marked, the new one appended. */
export function withVersion(
  documents: readonly OrderDocumentRecord[],
  next: OrderDocumentRecord,
  replaced: Pick<OrderDocumentRecord, 'documentId'> | undefined,
): OrderDocumentRecord[] {
  const same = (a: { root: string; extension?: string }, b: { root: string; extension?: string }) =>
    a.root === b.root && (a.extension ?? '') === (b.extension ?? '');
  const out = documents.map((d) =>
    replaced && d.status === 'current' && same(d.documentId, replaced.documentId)
      ? { ...d, status: next.status === 'deleted' ? ('deleted' as const) : ('replaced' as const) }
      : d,
  );
  if (next.status !== 'deleted') out.push(next);
  return out;
}

function currentOf(data: OrderData, setId: string | undefined, role: 'request' | 'supporting'): OrderDocumentRecord {
  const current = (data.documents ?? []).filter(
    (d) => d.status === 'current' && d.direction === 'sent' && (setId ? d.setId.root === setId : d.role === role),
  );
  if (current.length === 0)
    throw new GatewayError(
      'TLR_ERR_GATEWAY_NOT_FOUND',
      setId ? `No current document with setId ${setId}` : `No current ${role} document`,
      404,
    );
  if (current.length > 1) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'Several current documents; give setId', 409);
  return current[0]!;
}

import type { GeneratedImagingReport, ImagingReportInput } from '../../documents/report/index.js';
import { ImagingReportError, generateImagingReport } from '../../documents/report/index.js';
import type { DocumentRequest } from '../../documents/transport/index.js';
import { DocumentTransportError, buildDocumentMessage, validateDocumentMessage } from '../../documents/transport/index.js';
import type { CdaValidationReport } from '../../documents/validation/index.js';
import type { CdaValidation } from './cda-validation.js';
import { CdaRulesNotReadyError } from './cda-validation.js';
import type { OrderKey } from '../../store/index.js';
import type { ReportRecord, ReportSetEvent } from '../../workflow/index.js';
import { applyReportSetEvent, currentReportOf } from '../../workflow/index.js';
import { GatewayError } from '../errors.js';
import type { OrderData } from '../order-data.js';
import type { ActionContext, SentMessage } from '../outbound-actions.js';
import { requireOrder, send } from '../outbound-actions.js';
import { documentRequestFor } from './document-request.js';
import type { ReportRequest } from './report-input.js';
import { reportInputFor } from './report-input.js';

export interface SentReport extends SentMessage {
  report: ReportRecord;
}

/**
 * The platform's imaging reports: generate the CDA R2 CR-IMG from the order's data and the
 * radiologist's text, validate it (XSD + official ANS schematrons — an invalid document is never
 * sent: HTTP 422 with the findings), carry it in MDM^T02 (T10 to replace, T04 to delete) and queue
 * it for the RIS in the same transaction as the order's state change.
 */
export class ReportActions {
  constructor(
    private readonly ctx: ActionContext,
    private readonly validation: CdaValidation,
  ) {}

  /** A new report (MDM^T02). */
  async submit(key: OrderKey, request: ReportRequest): Promise<SentReport> {
    const { data } = await requireOrder(this.ctx, key);
    const input = this.#input(data, request);
    const generated = await this.#generate(input, request.level ?? 1);
    return this.#send(key, data, input, generated, 'initial', request);
  }

  /** A new version of the current report of a set (MDM^T10): same setId, version + 1, `relatedDocument RPLC`. */
  async replace(key: OrderKey, request: ReportRequest & { setId?: string }): Promise<SentReport> {
    const { data } = await requireOrder(this.ctx, key);
    const current = this.#current(data, request.setId);
    const input = this.#input(data, request);
    input.document.replaces = { documentId: current.documentId, setId: current.setId, versionNumber: current.version };
    const generated = await this.#generate(input, request.level ?? current.level ?? 1);
    return this.#send(key, data, input, generated, 'replace', request, current);
  }

  /**
   * Deletes the current report of a set (MDM^T04). The message carries the document being deleted
   * (the volet's T04 repeats the document and its ids), regenerated identically from the order data.
   */
  async delete(key: OrderKey, request: { setId?: string; content?: ReportRequest['content'] } = {}): Promise<SentReport> {
    const { data } = await requireOrder(this.ctx, key);
    const current = this.#current(data, request.setId);
    const content = request.content ?? { clinicalContext: 'Document supprimé', technique: '-', findings: '-', conclusion: '-' };
    const input = this.#input(data, { content, ...(current.accessionNumber ? { accessionNumber: current.accessionNumber } : {}) });
    input.document.id = current.documentId;
    input.document.setId = current.setId;
    input.document.versionNumber = current.version;
    const generated = await this.#generate(input, current.level ?? 1);
    return this.#send(key, data, input, generated, 'delete', { content }, current);
  }

  #current(data: OrderData, setId: string | undefined): ReportRecord {
    const current = currentReportOf(data.reports ?? [], setId);
    if (current.found) return current.report;
    if (current.reason === 'none')
      throw new GatewayError(
        'TLR_ERR_GATEWAY_NOT_FOUND',
        setId ? `No current report with setId ${setId}` : 'The order has no current report',
        404,
      );
    throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'The order has several current reports; give setId', 409, {
      setIds: current.setIds,
    });
  }

  #input(data: OrderData, request: ReportRequest): ImagingReportInput {
    return reportInputFor(this.ctx.config, data, request, new Date());
  }

  async #generate(input: ImagingReportInput, level: 1 | 3): Promise<GeneratedImagingReport> {
    let generated: GeneratedImagingReport;
    try {
      generated = await generateImagingReport(input, { level });
    } catch (e) {
      if (e instanceof ImagingReportError)
        throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', e.message, 422, { problems: (e as { problems?: unknown }).problems });
      throw e;
    }
    let cda: CdaValidationReport;
    try {
      cda = await this.validation.validate(generated.xml);
    } catch (e) {
      if (e instanceof CdaRulesNotReadyError) throw new GatewayError('TLR_ERR_GATEWAY_NOT_READY', e.message, 503);
      throw e;
    }
    if (!cda.valid) {
      throw new GatewayError(
        'TLR_ERR_GATEWAY_INVALID_MESSAGE',
        'The generated CDA report does not pass the XSD and ANS schematrons; it was not sent',
        422,
        {
          findings: cda.issues.filter((i) => i.severity === 'error').slice(0, 50),
        },
      );
    }
    return generated;
  }

  async #send(
    key: OrderKey,
    data: OrderData,
    input: ImagingReportInput,
    generated: GeneratedImagingReport,
    kind: 'initial' | 'replace' | 'delete',
    request: ReportRequest,
    current?: ReportRecord,
  ): Promise<SentReport> {
    let request2: DocumentRequest;
    try {
      request2 = documentRequestFor(this.ctx.config, data.order!, input, generated, kind, current?.documentId);
    } catch (e) {
      throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', (e as Error).message, 422);
    }
    const record: ReportRecord = {
      documentId: generated.documentId,
      setId: generated.setId,
      version: generated.versionNumber,
      title: request2.document.title,
      status: kind === 'delete' ? 'deleted' : 'current',
      messageId: 0,
      accessionNumber: input.exam.accessionNumber.value,
      level: request.level ?? current?.level ?? 1,
      at: new Date().toISOString(),
      ...(generated.viewerUrl ? { viewerUrl: generated.viewerUrl } : {}),
    };
    const change = (messageId: number): ReportSetEvent =>
      kind === 'initial'
        ? { kind, report: { ...record, messageId } }
        : kind === 'replace'
          ? { kind, replaced: current!.documentId, report: { ...record, messageId } }
          : { kind, deleted: current!.documentId };
    // The event the order workflow is told, from the reports as read; the reports written are those of
    // the order as locked in the transaction.
    const planned = applyReportSetEvent(data.reports ?? [], change(0));
    if (!planned.accept) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', planned.message, 409);
    let messageIdSeen = 0;
    const sent = await send(this.ctx, {
      key,
      event: planned.event,
      build: (_context, partner) => {
        try {
          const context = { ...request2.context, receivingApplication: partner.application, receivingFacility: partner.facility };
          return buildDocumentMessage({ ...request2, context });
        } catch (e) {
          if (e instanceof DocumentTransportError)
            throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', `${e.path ?? ''} ${e.message}`.trim(), 422);
          throw e;
        }
      },
      data: (cur, messageId) => {
        messageIdSeen = messageId;
        const applied = applyReportSetEvent(cur.reports ?? [], change(messageId));
        // Rolls the transaction back: another request replaced or deleted the report meanwhile.
        if (!applied.accept) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', applied.message, 409);
        return { reports: applied.reports };
      },
      validate: (m) => validateDocumentMessage(m),
    });
    return { ...sent, report: { ...record, messageId: messageIdSeen } };
  }
}

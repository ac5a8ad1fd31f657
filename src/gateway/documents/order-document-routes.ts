import type { FastifyInstance } from 'fastify';
import { pdfOfReport } from '../../documents/report-pdf.js';
import { GatewayError } from '../errors.js';
import { findOrderByPlacer } from '../http/order-lookup.js';
import type { GatewayRouteOptions } from '../http/route-plugin.js';
import { authorityQuery } from '../http/schemas.js';
import { orderDataOf } from '../order-data.js';
import type { OrderKey } from '../../store/index.js';
import type { OrderDocumentOutcome, OrderDocumentsOfRequest } from '../plugin.js';
import { documentOfMessage } from './journal-document.js';
import type { OrderDocumentActions, OrderDocumentInput } from './order-documents.js';

/** `POST /api/orders/{placer}/documents`: one request or supporting document (OpenAPI schema). */
export const orderDocumentBody = {
  type: 'object',
  additionalProperties: false,
  required: ['role'],
  properties: {
    role: { enum: ['request', 'supporting'], description: 'request: the DA-IMG (55115-0); supporting: a previous report, a letter…' },
    action: { enum: ['add', 'replace', 'delete'], description: 'T02 (default), T10 or T04' },
    setId: { type: 'string', description: 'replace/delete: the document set (default: the only current one of the role)' },
    generate: { enum: ['level3', 'level1'], description: 'request only: generate the DA-IMG from the order' },
    cda: { type: 'string', description: 'the host’s own CDA R2 document, sent as is' },
    pdfBase64: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'request only: a PDF wrapped as a level-1 DA-IMG' },
  },
} as const;

type Body = {
  role: 'request' | 'supporting';
  action?: 'add' | 'replace' | 'delete';
  setId?: string;
  generate?: 'level3' | 'level1';
  cda?: string;
  pdfBase64?: string;
};

/** The document a request body gives: exactly one of `generate`, `cda`, `pdfBase64` (400 otherwise). */
export function documentSourceOf(b: { generate?: 'level3' | 'level1'; cda?: string; pdfBase64?: string }): OrderDocumentInput['source'] {
  const sources = [b.generate, b.cda, b.pdfBase64].filter((s) => s !== undefined);
  if (sources.length !== 1) throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', 'Give exactly one of generate, cda, pdfBase64', 400);
  if (b.cda !== undefined) return { cda: b.cda };
  if (b.pdfBase64 !== undefined) return { pdf: Buffer.from(b.pdfBase64, 'base64') };
  return { generate: b.generate! };
}

/**
 * Sends the documents given with a new order, the request document first, each through
 * {@link OrderDocumentActions.add} as `POST /api/orders/{placer}/documents` does; a refused one is reported
 * with its problem and does not stop the others.
 */
export async function sendOrderDocuments(
  documents: OrderDocumentActions,
  key: OrderKey,
  given: OrderDocumentsOfRequest,
): Promise<OrderDocumentOutcome[]> {
  const inputs: Array<{ role: 'request' | 'supporting'; body: { generate?: 'level3' | 'level1'; cda?: string; pdfBase64?: string } }> = [
    ...(given.requestDocument ? [{ role: 'request' as const, body: given.requestDocument }] : []),
    ...(given.supportingDocuments ?? []).map((body) => ({ role: 'supporting' as const, body })),
  ];
  const outcomes: OrderDocumentOutcome[] = [];
  for (const { role, body } of inputs) {
    try {
      const sent = await documents.add(key, { role, source: documentSourceOf(body) });
      outcomes.push({ role, messageId: sent.messageId, controlId: sent.controlId, documentId: sent.document.documentId });
    } catch (e) {
      if (!(e instanceof GatewayError)) throw e;
      outcomes.push({
        role,
        error: { status: e.status, code: e.code, detail: e.message, ...(e.details ? { extra: e.details } : {}) },
      });
    }
  }
  return outcomes;
}

/** A download's file name: the placer number kept to safe characters (it is quoted in a header). */
function fileNameOf(placer: string, version: number): string {
  return `document-${placer.replace(/[^A-Za-z0-9._-]/g, '_')}-v${version}`;
}

/** The order's request and supporting documents: the RIS sends them; both sides list them. */
export async function orderDocumentRoutes(
  app: FastifyInstance,
  { gateway: gw, documents }: GatewayRouteOptions & { documents: OrderDocumentActions },
): Promise<void> {
  const role = gw.config.role;
  const params = { type: 'object', required: ['placer'], properties: { placer: { type: 'string', minLength: 1 } } } as const;
  app.post<{ Params: { placer: string }; Querystring: { authority?: string; partner?: string }; Body: Body }>(
    '/api/orders/:placer/documents',
    {
      schema: {
        tags: ['orders'],
        summary: 'RIS: send the request document (DA-IMG) or a supporting document (MDM^T02/T10/T04)',
        params,
        querystring: authorityQuery,
        body: orderDocumentBody,
      },
    },
    async (req, reply) => {
      if (role !== 'ris') throw new GatewayError('TLR_ERR_GATEWAY_WRONG_ROLE', 'Request documents are sent by the RIS half-connector', 403);
      const o = await findOrderByPlacer(gw.store, role, req.params.placer, req.query.authority, req.query.partner);
      const b = req.body;
      const action = b.action ?? 'add';
      if (action === 'delete') return reply.code(202).send(await documents.delete(o.key, b.setId));
      const input: OrderDocumentInput = { role: b.role, source: documentSourceOf(b) };
      const sent = action === 'replace' ? await documents.replace(o.key, input, b.setId) : await documents.add(o.key, input);
      return reply.code(202).send(sent);
    },
  );
  app.get<{ Params: { placer: string }; Querystring: { authority?: string; partner?: string } }>(
    '/api/orders/:placer/documents',
    {
      schema: {
        tags: ['orders'],
        summary: 'Request and supporting documents of an order, every version',
        params,
        querystring: authorityQuery,
      },
    },
    async (req) => {
      const o = await findOrderByPlacer(gw.store, role, req.params.placer, req.query.authority, req.query.partner);
      return { items: orderDataOf(o).documents ?? [] };
    },
  );
  /** The version carried by journal message `messageId` among the order's documents (404 otherwise), and its CDA. */
  async function versionOf(placer: string, authority: string | undefined, partner: string | undefined, messageId: number) {
    const o = await findOrderByPlacer(gw.store, role, placer, authority, partner);
    const record = (orderDataOf(o).documents ?? []).find((d) => d.messageId === messageId);
    if (!record) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `No document carried by message ${messageId} for this order`, 404);
    return { record, cda: await documentOfMessage(gw.store, messageId) };
  }
  const versionParams = {
    type: 'object',
    required: ['placer', 'messageId'],
    properties: {
      placer: { type: 'string', minLength: 1 },
      messageId: { type: 'integer', minimum: 1, description: '`messageId` of the version in `GET /api/orders/{placer}/documents`' },
    },
  } as const;
  const downloads = [
    { suffix: '', summary: 'Download a request or supporting document version: the CDA R2 XML', pdf: false },
    { suffix: '/pdf', summary: 'Download the PDF of a level-1 request or supporting document (its nonXMLBody)', pdf: true },
  ];
  for (const d of downloads) {
    app.get<{ Params: { placer: string; messageId: number }; Querystring: { authority?: string; partner?: string } }>(
      `/api/orders/:placer/documents/:messageId${d.suffix}`,
      { schema: { tags: ['orders'], summary: d.summary, params: versionParams, querystring: authorityQuery } },
      async (req, reply) => {
        const { record, cda } = await versionOf(req.params.placer, req.query.authority, req.query.partner, req.params.messageId);
        const body = d.pdf ? pdfOfReport(cda) : cda;
        if (!body) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', 'This document has no PDF body (level 3 document)', 404);
        return reply
          .type(d.pdf ? 'application/pdf' : 'application/xml; charset=utf-8')
          .header('content-disposition', `inline; filename="${fileNameOf(req.params.placer, record.version)}.${d.pdf ? 'pdf' : 'xml'}"`)
          .send(body);
      },
    );
  }
}

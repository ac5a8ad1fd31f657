import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pdfOfReport } from '../../documents/report-pdf.js';
import { reportsWithPublications } from '../onward/report-publications.js';
import { GatewayError } from '../errors.js';
import { findOrderByPlacer } from '../http/order-lookup.js';
import type { GatewayRouteOptions } from '../http/route-plugin.js';
import { orderDataOf } from '../order-data.js';
import { documentOfMessage } from './journal-document.js';
import type { ReportActions } from './report-actions.js';
import type { ReportRequest } from './report-input.js';
import { orderSummary } from '../http/order-view.js';
import { authorityQuery, healthProfessional } from '../http/schemas.js';

const content = {
  type: 'object',
  additionalProperties: false,
  required: ['clinicalContext', 'technique', 'findings', 'conclusion'],
  properties: {
    clinicalContext: { type: 'string', minLength: 1 },
    technique: { type: 'string', minLength: 1 },
    findings: { type: 'string', minLength: 1 },
    conclusion: { type: 'string', minLength: 1 },
    comparison: { type: 'string' },
    medicalHistory: { type: 'string' },
    pdfBase64: {
      type: 'string',
      pattern: '^[A-Za-z0-9+/]*={0,2}$',
      description: 'The signed report as PDF; rendered from the text when absent',
    },
  },
} as const;
const coded = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'displayName'],
  properties: { code: { type: 'string' }, displayName: { type: 'string' } },
} as const;
const reportBody = {
  type: 'object',
  additionalProperties: false,
  required: ['content'],
  properties: {
    content,
    radiologist: healthProfessional,
    accessionNumber: { type: 'string' },
    level: { enum: [1, 3] },
    anatomicalLocation: coded,
    facilityType: coded,
    practiceSetting: coded,
    confidentiality: { enum: ['N', 'R', 'V'] },
    setId: { type: 'string', description: 'replace/delete: the report set (default: the only current report)' },
  },
} as const;
const params = { type: 'object', required: ['placer'], properties: { placer: { type: 'string', minLength: 1 } } } as const;

/** A request announcing JSON with no byte of body is read as a request without a body. */
function forgetEmptyJsonBody(req: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  if (req.headers['content-length'] === '0') delete req.headers['content-type'];
  done();
}

/** No body is an empty object, which the schema of a deletion accepts. */
function emptyBodyAsObject(req: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  if (req.body === undefined || req.body === null) req.body = {};
  done();
}

/**
 * Imaging reports: the platform writes (T02), replaces (T10) and deletes (T04) them; both sides
 * list them and download the CDA or its PDF.
 */
export async function reportRoutes(
  app: FastifyInstance,
  { gateway: gw, reports }: GatewayRouteOptions & { reports: ReportActions },
): Promise<void> {
  const role = gw.config.role;
  const findOrder = (placer: string, authority?: string, partner?: string) => findOrderByPlacer(gw.store, role, placer, authority, partner);
  const platformOnly = () => {
    if (role !== 'platform')
      throw new GatewayError('TLR_ERR_GATEWAY_WRONG_ROLE', 'Reports are written by the teleradiology platform half-connector', 403);
  };

  for (const [path, summary, action] of [
    ['/api/orders/:placer/reports', 'Platform: write the imaging report (CDA R2 CR-IMG, MDM^T02)', 'submit'],
    ['/api/orders/:placer/reports/replace', 'Platform: replace the current report (MDM^T10)', 'replace'],
    ['/api/orders/:placer/reports/delete', 'Platform: delete the current report (MDM^T04)', 'delete'],
  ] as const) {
    app.post<{
      Params: { placer: string };
      Querystring: { authority?: string; partner?: string };
      Body: ReportRequest & { setId?: string };
    }>(
      path,
      {
        schema: {
          tags: ['orders'],
          summary,
          params,
          querystring: authorityQuery,
          body: action === 'delete' ? { ...reportBody, required: [] } : reportBody,
        },
        // A deletion needs no body: `curl -X POST …/reports/delete`, with or without a JSON content type,
        // means "delete the current report", not 400 "body must be object".
        ...(action === 'delete' ? { onRequest: forgetEmptyJsonBody, preValidation: emptyBodyAsObject } : {}),
      },
      async (req, reply) => {
        platformOnly();
        const o = await findOrder(req.params.placer, req.query.authority, req.query.partner);
        const body = req.body ?? ({} as ReportRequest & { setId?: string });
        const sent =
          action === 'submit'
            ? await reports.submit(o.key, body)
            : action === 'replace'
              ? await reports.replace(o.key, body)
              : await reports.delete(o.key, {
                  ...(body.setId ? { setId: body.setId } : {}),
                  ...(body.content ? { content: body.content } : {}),
                });
        return reply
          .code(202)
          .send({ order: orderSummary(sent.order), messageId: sent.messageId, controlId: sent.controlId, report: sent.report });
      },
    );
  }

  app.get<{ Params: { placer: string }; Querystring: { authority?: string; partner?: string } }>(
    '/api/orders/:placer/reports',
    {
      schema: { tags: ['orders'], summary: 'Reports of an order, every version with its status', params, querystring: authorityQuery },
    },
    async (req) => {
      const o = await findOrder(req.params.placer, req.query.authority, req.query.partner);
      // Where each version went onward (RIS with an onward route: DMP, MSSanté); empty otherwise.
      return { items: await reportsWithPublications(gw.store, o.key, orderDataOf(o).reports ?? []) };
    },
  );

  app.get<{ Params: { placer: string; messageId: number }; Querystring: { authority?: string; partner?: string; format?: 'xml' | 'pdf' } }>(
    '/api/orders/:placer/reports/:messageId',
    {
      schema: {
        tags: ['orders'],
        summary: 'Download a report version: the CDA XML, or (format=pdf) the PDF of a level-1 report',
        params: { type: 'object', properties: { placer: { type: 'string' }, messageId: { type: 'integer', minimum: 1 } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { ...authorityQuery.properties, format: { enum: ['xml', 'pdf'] } },
        },
      },
    },
    async (req, reply) => {
      const o = await findOrder(req.params.placer, req.query.authority, req.query.partner);
      if (!(orderDataOf(o).reports ?? []).some((r) => r.messageId === req.params.messageId))
        throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `No report carried by message ${req.params.messageId} for this order`, 404);
      const bytes = await documentOfMessage(gw.store, req.params.messageId);
      if (req.query.format === 'pdf') {
        const pdf = pdfOfReport(bytes);
        if (!pdf) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', 'This report has no PDF body (level 3 document)', 404);
        return reply.type('application/pdf').send(pdf);
      }
      return reply.type('application/xml; charset=utf-8').send(bytes);
    },
  );
}

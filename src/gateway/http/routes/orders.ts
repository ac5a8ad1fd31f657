import type { FastifyInstance, FastifyReply } from 'fastify';
import type { OrderKey } from '../../../store/index.js';
import { formatOrderKey } from '../../../store/index.js';
import type { OrderState } from '../../../workflow/index.js';
import type { HealthProfessional, ImagingOrder, Organisation, PerformedExam, Protocol, Reason } from '../../../tlr/index.js';
import { GatewayError } from '../../errors.js';
import type { GatewayRouteOptions } from '../route-plugin.js';
import { orderDataOf } from '../../order-data.js';
import type { SentMessage } from '../../outbound-actions.js';
import type { OrderDocumentOutcome, OrderDocumentsOfRequest } from '../../plugin.js';
import { findOrderByPlacer } from '../order-lookup.js';
import { orderSummary } from '../order-view.js';
import { reportsWithPublications } from '../../onward/report-publications.js';
import {
  acceptRequest,
  authorityQuery,
  cancelRequest,
  createOrderRequest,
  createOrderResponse,
  listQuery,
  orderParams,
  pageResponse,
  postExamRequest,
  refuseRequest,
} from '../schemas.js';

type Params = { placer: string };
type AuthorityQ = { authority?: string; partner?: string };

/**
 * Orders: the worklist, one order with its history, and the actions of each role — the RIS creates
 * (flow 1), cancels (flow 2) and completes (flow 4) orders; the platform accepts or refuses them
 * (flow 3). An action is answered 202: the HL7 message is queued durably and delivered by the outbox.
 */
export async function orderRoutes(app: FastifyInstance, { gateway: gw }: GatewayRouteOptions): Promise<void> {
  const role = gw.config.role;

  /** Finds an order by placer number (and authority OID when several share the number). */
  const findOrder = (placer: string, authority: string | undefined, partner: string | undefined) =>
    findOrderByPlacer(gw.store, role, placer, authority, partner);

  function requireRole(expected: 'ris' | 'platform', action: string): void {
    if (role !== expected) {
      throw new GatewayError(
        'TLR_ERR_GATEWAY_WRONG_ROLE',
        `${action} is done by the ${expected === 'ris' ? 'RIS' : 'teleradiology platform'} half-connector; ` +
          `this gateway plays the ${role === 'ris' ? 'RIS' : 'platform'}`,
        403,
      );
    }
  }

  /** 202: the message is queued; 200 with `repeated: true`: the action had been done, nothing new was sent. */
  function accepted(reply: FastifyReply, sent: SentMessage, documents?: OrderDocumentOutcome[]): FastifyReply {
    return reply.code(sent.repeated ? 200 : 202).send({
      order: orderSummary(sent.order),
      messageId: sent.messageId,
      controlId: sent.controlId,
      warnings: sent.findings.filter((f) => f.severity === 'warning'),
      ...(sent.repeated ? { repeated: true } : {}),
      ...(documents ? { documents } : {}),
    });
  }

  app.get<{
    Querystring: {
      state?: OrderState;
      patientId?: string;
      placer?: string;
      partner?: string;
      q?: string;
      from?: string;
      to?: string;
      limit: number;
      offset: number;
      cursor?: string;
    };
  }>(
    '/api/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'The worklist: orders with their state, newest first, filtered and paged on the gateway',
        description:
          'Every filter is evaluated by the store over all orders (indexes for state, patient, placer number and dates; ' +
          '`q` scans the search column). Page forward with `cursor` = `next` of the previous page; ' +
          '`total` is given on the first page only.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: {
              enum: ['NONE', 'REQUESTED', 'CANCELLED', 'ACCEPTED', 'REJECTED', 'EXAM_DONE', 'COMPLEMENTED', 'REPORTED', 'PUBLISHED'],
            },
            patientId: { type: 'string', description: 'exactly this patient id (the INS when there is one)' },
            placer: { type: 'string', description: 'exactly this placer order number (ORC-2.1), any assigning authority' },
            partner: { type: 'string', description: 'the orders of this partner only' },
            q: {
              type: 'string',
              maxLength: 200,
              description: 'placer number, patient id or patient name contains (case and accents ignored)',
            },
            from: { type: 'string', format: 'date-time', description: 'orders first recorded at or after' },
            to: { type: 'string', format: 'date-time', description: 'orders first recorded before' },
            ...listQuery,
          },
        },
        response: { 200: pageResponse('Orders (summaries), newest first') },
      },
    },
    async (req) => {
      const { state, patientId, placer, partner, q, from, to, limit, offset, cursor } = req.query;
      const page = await gw.store.listOrders({
        role,
        ...(state ? { state } : {}),
        ...(partner ? { partner } : {}),
        ...(patientId ? { patientId } : {}),
        ...(placer ? { placerNumber: placer } : {}),
        ...(q?.trim() ? { text: q } : {}),
        ...(from ? { from: new Date(from) } : {}),
        ...(to ? { to: new Date(to) } : {}),
        limit,
        offset,
        ...(cursor ? { cursor } : {}),
        count: !cursor,
      });
      return { ...(page.total === undefined ? {} : { total: page.total }), next: page.next, items: page.items.map(orderSummary) };
    },
  );

  app.get<{ Params: Params; Querystring: AuthorityQ }>(
    '/api/orders/:placer',
    {
      schema: {
        tags: ['orders'],
        summary: 'One order: state, business data of every flow, history',
        params: orderParams,
        querystring: authorityQuery,
      },
    },
    async (req) => {
      const o = await findOrder(req.params.placer, req.query.authority, req.query.partner);
      const data = orderDataOf(o);
      const [transitions, messages, reports, operatorActions] = await Promise.all([
        gw.store.orderTransitions(o.id),
        gw.store.listMessages({ placerOrderNumber: o.key.placerNumber, ...(o.partner ? { partner: o.partner } : {}), limit: 500 }),
        reportsWithPublications(gw.store, o.key, data.reports ?? []),
        gw.store.listOperatorActions({ orderKey: formatOrderKey(o.key), limit: 500 }),
      ]);
      return {
        ...orderSummary(o),
        flows: {
          request: data.order ?? null,
          cancellation: data.cancellation ?? null,
          decision: data.decision ?? null,
          postExamInfo: data.postExamInfo ?? null,
        },
        reports,
        documents: data.documents ?? [],
        transitions: transitions.map((t) => ({
          from: t.from,
          to: t.to,
          event: t.event,
          messageId: t.messageId,
          warning: t.warning,
          at: t.at.toISOString(),
        })),
        messages: messages.items.filter(
          (m) => (m.summary.placerAssigningAuthority ?? '') === o.key.assigningAuthority || !m.summary.placerAssigningAuthority,
        ),
        // The audit log of what operators did to the order's messages (resend, re-run, retry, discard).
        operatorActions: operatorActions.map((a) => ({ ...a, at: a.at.toISOString() })),
      };
    },
  );

  app.get<{ Params: Params & { n: number }; Querystring: AuthorityQ }>(
    '/api/orders/:placer/protocols/:n',
    {
      schema: {
        tags: ['orders'],
        summary: 'Download protocol n (1-based) of the decision: text, or the encapsulated PDF/XML',
        params: { type: 'object', properties: { placer: { type: 'string' }, n: { type: 'integer', minimum: 1 } } },
        querystring: authorityQuery,
      },
    },
    async (req, reply) => {
      const o = await findOrder(req.params.placer, req.query.authority, req.query.partner);
      const decision = orderDataOf(o).decision;
      const protocols: Protocol[] = decision?.outcome.accepted ? decision.outcome.protocols : [];
      const p = protocols[req.params.n - 1];
      if (!p) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `The order has no protocol ${req.params.n}`, 404);
      if (p.kind === 'text') return reply.type('text/plain; charset=utf-8').send(p.text);
      const extension = p.mediaType === 'application/pdf' ? 'pdf' : p.mediaType === 'application/xml' ? 'xml' : 'bin';
      return reply
        .type(p.mediaType)
        .header('content-disposition', `inline; filename="protocole-${req.params.placer}-${req.params.n}.${extension}"`)
        .send(Buffer.from(p.base64, 'base64'));
    },
  );

  app.post<{ Body: ImagingOrder & OrderDocumentsOfRequest & { partner?: string } }>(
    '/api/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'RIS: transmit an imaging request (flow 1, ORM^O01 NW), with its request and supporting documents (MDM^T02)',
        description:
          'Each document goes out as its own MDM^T02 right after the ORM^O01, through the same path as ' +
          '`POST /api/orders/{placer}/documents`; `documents` says what became of each (queued, or refused with the problem). ' +
          'A repeated order sends no document again.',
        body: createOrderRequest,
        response: { '2xx': createOrderResponse },
      },
    },
    async (req, reply) => {
      requireRole('ris', 'Creating an order');
      const { requestDocument, supportingDocuments, partner, ...order } = req.body;
      const withDocuments = requestDocument !== undefined || (supportingDocuments?.length ?? 0) > 0;
      const sender = gw.plugins.find((p) => p.sendOrderDocuments);
      if (withDocuments && !sender?.sendOrderDocuments)
        throw new GatewayError(
          'TLR_ERR_GATEWAY_INVALID_REQUEST',
          'This gateway runs without the documents plug-in: give no documents',
          400,
        );
      const sent = await gw.ris.createOrder(order, partner);
      if (!withDocuments || sent.repeated || !sender?.sendOrderDocuments) return accepted(reply, sent);
      const documents = await sender.sendOrderDocuments(sent.order.key, {
        ...(requestDocument ? { requestDocument } : {}),
        ...(supportingDocuments ? { supportingDocuments } : {}),
      });
      return accepted(reply, sent, documents);
    },
  );

  app.post<{
    Params: Params;
    Querystring: AuthorityQ;
    Body: { reason?: Reason; cancelledAt?: string; responsibleProfessional?: HealthProfessional };
  }>(
    '/api/orders/:placer/cancel',
    {
      schema: {
        tags: ['orders'],
        summary: 'RIS: cancel a request (flow 2, ORM^O01 CA)',
        params: orderParams,
        querystring: authorityQuery,
        body: cancelRequest,
      },
    },
    async (req, reply) => {
      requireRole('ris', 'Cancelling an order');
      const o = await findOrder(req.params.placer, req.query.authority, req.query.partner);
      return accepted(reply, await gw.ris.cancelOrder(o.key, req.body ?? {}));
    },
  );

  app.post<{ Params: Params; Querystring: AuthorityQ; Body: { exams: PerformedExam[] } }>(
    '/api/orders/:placer/post-exam',
    {
      schema: {
        tags: ['orders'],
        summary: 'RIS: post-exam information (flow 4, OMI^O23 SR)',
        params: orderParams,
        querystring: authorityQuery,
        body: postExamRequest,
      },
    },
    async (req, reply) => {
      requireRole('ris', 'Sending post-exam information');
      const o = await findOrder(req.params.placer, req.query.authority, req.query.partner);
      return accepted(reply, await gw.ris.sendPostExamInfo(o.key, req.body.exams));
    },
  );

  app.post<{
    Params: Params;
    Querystring: AuthorityQ;
    Body: { remoteRadiologist: HealthProfessional; protocols: Protocol[]; platform?: Organisation };
  }>(
    '/api/orders/:placer/accept',
    {
      schema: {
        tags: ['orders'],
        summary: 'Platform: accept with one or more protocols (flow 3, ORU^R01 OK)',
        params: orderParams,
        querystring: authorityQuery,
        body: acceptRequest,
      },
    },
    async (req, reply) => {
      requireRole('platform', 'Accepting an order');
      const o = await findOrder(req.params.placer, req.query.authority, req.query.partner);
      return accepted(reply, await gw.platform.accept(o.key, req.body));
    },
  );

  app.post<{
    Params: Params;
    Querystring: AuthorityQ;
    Body: { remoteRadiologist: HealthProfessional; reason?: Reason; platform?: Organisation };
  }>(
    '/api/orders/:placer/refuse',
    {
      schema: {
        tags: ['orders'],
        summary: 'Platform: refuse (flow 3, ORU^R01 OC)',
        params: orderParams,
        querystring: authorityQuery,
        body: refuseRequest,
      },
    },
    async (req, reply) => {
      requireRole('platform', 'Refusing an order');
      const o = await findOrder(req.params.placer, req.query.authority, req.query.partner);
      return accepted(reply, await gw.platform.refuse(o.key, req.body));
    },
  );
}

export type { OrderKey };

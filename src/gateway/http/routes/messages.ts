import type { FastifyInstance } from 'fastify';
import { tryParseMessage } from '../../../hl7/index.js';
import type { Direction, FlowId, MessageStatus } from '../../../store/index.js';
import { GatewayError } from '../../errors.js';
import type { GatewayRouteOptions } from '../route-plugin.js';
import { listQuery, pageResponse } from '../schemas.js';

interface MessageListQuery {
  order?: string;
  patientId?: string;
  type?: string;
  flow?: FlowId;
  status?: MessageStatus;
  direction?: Direction;
  partner?: string;
  controlId?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
  cursor?: string;
}

/** The message journal: search, detail with raw HL7 and findings, manual retry of a parked delivery. */
export async function messageRoutes(app: FastifyInstance, { gateway: gw }: GatewayRouteOptions): Promise<void> {
  app.get<{ Querystring: MessageListQuery }>(
    '/api/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'Search the message journal, newest first',
        description: 'Page forward with `cursor` = `next` of the previous page; `total` is given on the first page only.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            order: { type: 'string' },
            patientId: { type: 'string' },
            type: { type: 'string' },
            controlId: { type: 'string' },
            flow: { enum: ['flux1', 'flux2', 'flux3', 'flux4', 'ack', 'report', 'unknown'] },
            status: { enum: ['accepted', 'rejected', 'error', 'queued', 'in_flight', 'retrying', 'delivered', 'parked', 'discarded'] },
            direction: { enum: ['inbound', 'outbound'] },
            partner: { type: 'string', description: 'the messages exchanged with this partner only' },
            from: { type: 'string', format: 'date-time' },
            to: { type: 'string', format: 'date-time' },
            ...listQuery,
          },
        },
        response: { 200: pageResponse('Journal entries (without their bytes), newest first') },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await gw.store.listMessages({
        ...(q.order ? { placerOrderNumber: q.order } : {}),
        ...(q.patientId ? { patientId: q.patientId } : {}),
        ...(q.type ? { messageType: q.type } : {}),
        ...(q.flow ? { flow: q.flow } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.direction ? { direction: q.direction } : {}),
        ...(q.partner ? { partner: q.partner } : {}),
        ...(q.controlId ? { controlId: q.controlId } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
        limit: q.limit,
        offset: q.offset,
        ...(q.cursor ? { cursor: q.cursor } : {}),
        count: !q.cursor,
      });
      return { ...(page.total === undefined ? {} : { total: page.total }), next: page.next, items: page.items };
    },
  );

  app.get<{ Params: { id: number } }>(
    '/api/messages/:id',
    {
      schema: {
        tags: ['messages'],
        summary: 'One message with its raw HL7, findings and acknowledgement',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } },
      },
    },
    async (req) => {
      const m = await gw.store.getMessage(req.params.id);
      if (!m) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `No message ${req.params.id}`, 404);
      const { raw, ack, ...rest } = m;
      const outbox =
        m.direction === 'outbound' ? (await gw.store.listOutbox({ messageId: m.id, limit: 1, count: false })).items[0] : undefined;
      return {
        ...rest,
        raw: raw ? rawText(raw) : null,
        ack: ack ? { code: ack.code, controlId: ack.controlId, raw: Buffer.from(ack.raw).toString('utf8') } : null,
        outbox: outbox ?? null,
        operatorActions: (await gw.store.listOperatorActions({ messageId: m.id })).map((a) => ({ ...a, at: a.at.toISOString() })),
      };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/api/messages/:id/retry',
    {
      schema: {
        tags: ['messages'],
        summary: 'Retry a parked outbound message',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } },
      },
    },
    async (req) => {
      const parked = (await gw.store.listOutbox({ state: 'parked', messageId: req.params.id, limit: 1, count: false })).items[0];
      if (!parked) throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', `Message ${req.params.id} is not a parked outbound message`, 409);
      await gw.store.retryParked(parked.id);
      await gw.store.transaction((tx) =>
        tx.recordOperatorAction({
          actor: req.apiKeyName ?? 'unknown',
          action: 'retry',
          messageId: req.params.id,
          orderKey: parked.orderKey,
        }),
      );
      gw.wakeOutbox();
      return { retried: true, outboxId: parked.id };
    },
  );
}

/** The message as text, decoded per its MSH-18 (bytes that do not parse are shown as Latin-1, byte for byte). */
function rawText(raw: Uint8Array): string {
  return tryParseMessage(raw).message?.toString() ?? Buffer.from(raw).toString('latin1');
}

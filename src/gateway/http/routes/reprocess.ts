import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Message } from '../../../hl7/index.js';
import { buildAck, newControlId, parseMessage, tryParseMessage } from '../../../hl7/index.js';
import type { Finding, ValidationReport } from '../../../profiles/index.js';
import { ackForValidation, validateMessage } from '../../../profiles/index.js';
import type { MessageDetail, MessageQuery, MessageStatus, StoredFinding } from '../../../store/index.js';
import { dateTimeFromDate, toHl7DateTime } from '../../../tlr/index.js';
import { applyEvent } from '../../../workflow/index.js';
import { GatewayError } from '../../errors.js';
import type { Gateway } from '../../gateway.js';
import { factsOf } from '../../message-facts.js';
import type { GatewayRouteOptions } from '../route-plugin.js';

/** What resending under the same control id means for the partner, said by the API and the console. */
export const SAME_CONTROL_ID_CONSEQUENCE =
  'The copy keeps MSH-10 of the original: a partner that already accepted it may treat it as a duplicate and answer ' +
  'the original acknowledgement without processing it again. Choose a new control id to have it processed as a new message.';
export const NEW_CONTROL_ID_CONSEQUENCE =
  'The copy gets a new MSH-10 (and MSH-7 now): the partner processes it as a new message, with the consequences of its content ' +
  '(e.g. a second decision on the order).';

const idParams = { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } } as const;
const controlIdChoice = {
  enum: ['new', 'same'],
  description:
    '`new`: a new MSH-10, processed by the partner as a new message; ' +
    '`same`: the original MSH-10, which the partner may answer as a duplicate',
} as const;
const bulkFilter = {
  type: 'object',
  additionalProperties: false,
  description: 'The messages the action applies to (criteria combine with AND), at most `limit` of them, newest first',
  properties: {
    status: { enum: ['accepted', 'rejected', 'error', 'queued', 'in_flight', 'retrying', 'delivered', 'parked', 'discarded'] },
    direction: { enum: ['inbound', 'outbound'] },
    partner: { type: 'string' },
    type: { type: 'string' },
    order: { type: 'string' },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
  },
} as const;

interface BulkBody {
  action: 'retry' | 'discard' | 'resend';
  controlId?: 'new' | 'same';
  reason?: string;
  dryRun?: boolean;
  limit?: number;
  filter: {
    status?: MessageStatus;
    direction?: 'inbound' | 'outbound';
    partner?: string;
    type?: string;
    order?: string;
    from?: string;
    to?: string;
  };
}

const actor = (req: FastifyRequest): string => req.apiKeyName ?? 'unknown';
const notFound = (id: number) => new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `No message ${id}`, 404);
const conflict = (text: string) => new GatewayError('TLR_ERR_GATEWAY_CONFLICT', text, 409);

/**
 * Reprocessing by an operator: resend an outbound message (new or same control id), re-run an inbound
 * message through the current rules (dry run by default: findings before/after and the ACK that would be
 * sent), discard a parked message, and the same actions over a filtered set. Every action is written to the
 * audit log (`operator_actions`: who — the API key's name —, when, what) in the transaction of what it did,
 * and shows in the order's timeline.
 */
export async function reprocessRoutes(app: FastifyInstance, { gateway: gw }: GatewayRouteOptions): Promise<void> {
  app.post<{ Params: { id: number }; Body: { controlId: 'new' | 'same'; reason?: string } }>(
    '/api/messages/:id/resend',
    {
      schema: {
        tags: ['messages'],
        summary: 'Resend an outbound message (any status) as a new outbox entry',
        description:
          `\`controlId: new\` — ${NEW_CONTROL_ID_CONSEQUENCE} \`controlId: same\` — ${SAME_CONTROL_ID_CONSEQUENCE} ` +
          "The copy is queued behind the order's other undelivered messages.",
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['controlId'],
          properties: { controlId: controlIdChoice, reason: { type: 'string', maxLength: 500 } },
        },
        response: {
          202: {
            type: 'object',
            properties: {
              messageId: { type: 'integer' },
              originalMessageId: { type: 'integer' },
              controlId: { type: 'string' },
              sameControlId: { type: 'boolean' },
              consequence: { type: 'string' },
            },
          },
        },
      },
    },
    async (req, reply) => reply.code(202).send(await resend(gw, req.params.id, req.body.controlId, actor(req), req.body.reason)),
  );

  app.post<{ Params: { id: number }; Body: { dryRun?: boolean } }>(
    '/api/messages/:id/reprocess',
    {
      schema: {
        tags: ['messages'],
        summary: 'Re-run an inbound message through the current rules (dry run by default)',
        description:
          'Dry run (`dryRun: true`, the default): the findings stored when it was received, the findings of the current rules, what ' +
          'changed, and the acknowledgement the gateway would answer now (validation, then the order workflow from its current state). ' +
          '`dryRun: false` processes it again as if the partner had sent it now: journaled as a new message, applied to its order; the ' +
          'ACK is returned, not sent to the partner. Refused for an accepted message (it was applied; a re-run would be a re-delivery).',
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: { dryRun: { type: 'boolean', default: true } } },
      },
    },
    async (req) => reprocess(gw, req.params.id, req.body?.dryRun ?? true, actor(req)),
  );

  app.post<{ Params: { id: number }; Body: { reason?: string } }>(
    '/api/messages/:id/discard',
    {
      schema: {
        tags: ['messages'],
        summary: 'Discard a parked outbound message, so that later messages of its order can go',
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', maxLength: 500 } } },
      },
    },
    async (req) => discard(gw, req.params.id, actor(req), req.body?.reason),
  );

  app.post<{ Body: BulkBody }>(
    '/api/messages/bulk',
    {
      schema: {
        tags: ['messages'],
        summary: 'One action over a filtered set of messages (e.g. retry every parked message of a partner in a time range)',
        description:
          '`retry` and `discard` apply to parked outbound messages, `resend` to outbound messages (`controlId` required). ' +
          '`dryRun: true` lists what would be acted on. Each message is audited on its own; one that cannot be acted on is listed in ' +
          '`failed` with the reason, the others go on.',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['action', 'filter'],
          properties: {
            action: { enum: ['retry', 'discard', 'resend'] },
            controlId: controlIdChoice,
            reason: { type: 'string', maxLength: 500 },
            dryRun: { type: 'boolean', default: false },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
            filter: bulkFilter,
          },
        },
      },
    },
    async (req) => {
      const b = req.body;
      if (b.action === 'resend' && !b.controlId) {
        throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', 'resend needs controlId: "new" or "same"', 400);
      }
      const f = b.filter;
      const query: MessageQuery = {
        ...(f.status ? { status: f.status } : {}),
        ...(f.direction ? { direction: f.direction } : {}),
        ...(f.partner ? { partner: f.partner } : {}),
        ...(f.type ? { messageType: f.type } : {}),
        ...(f.order ? { placerOrderNumber: f.order } : {}),
        ...(f.from ? { from: new Date(f.from) } : {}),
        ...(f.to ? { to: new Date(f.to) } : {}),
        limit: b.limit ?? 100,
        count: true,
      };
      const page = await gw.store.listMessages(query);
      const done: { messageId: number; result: unknown }[] = [];
      const failed: { messageId: number; reason: string }[] = [];
      for (const m of page.items) {
        if (b.dryRun) {
          done.push({ messageId: m.id, result: { wouldApply: b.action, status: m.status } });
          continue;
        }
        try {
          const who = actor(req);
          const result =
            b.action === 'retry'
              ? await retry(gw, m.id, who, true)
              : b.action === 'discard'
                ? await discard(gw, m.id, who, b.reason, true)
                : await resend(gw, m.id, b.controlId!, who, b.reason, true);
          done.push({ messageId: m.id, result });
        } catch (e) {
          failed.push({ messageId: m.id, reason: (e as Error).message });
        }
      }
      return { action: b.action, dryRun: b.dryRun ?? false, matched: page.total ?? page.items.length, done, failed };
    },
  );
}

async function outboundOf(gw: Gateway, id: number): Promise<{ message: MessageDetail; outboxId: number; orderKey: string | null }> {
  const message = await gw.store.getMessage(id);
  if (!message) throw notFound(id);
  if (message.direction !== 'outbound') throw conflict(`Message ${id} was received, not sent: re-run it instead of resending it`);
  const item = (await gw.store.listOutbox({ messageId: id, limit: 1, count: false })).items[0];
  if (!item) throw conflict(`Message ${id} has no outbox entry`);
  return { message, outboxId: item.id, orderKey: item.orderKey };
}

async function resend(gw: Gateway, id: number, choice: 'new' | 'same', who: string, reason?: string, bulk = false) {
  const { message, orderKey } = await outboundOf(gw, id);
  if (!message.raw) throw conflict(`Message ${id}: retention removed its content; it cannot be resent`);
  let raw: Uint8Array = message.raw;
  let controlId = message.summary.controlId ?? '';
  if (choice === 'new') {
    const parsed: Message = parseMessage(message.raw);
    controlId = newControlId();
    parsed.set('MSH-10', controlId);
    parsed.set('MSH-7', toHl7DateTime(dateTimeFromDate(new Date())));
    raw = parsed.toBytes();
  }
  const queued = await gw.store.transaction(async (tx) => {
    const q = await tx.enqueueOutbound({
      partner: message.partner,
      raw,
      summary: { ...message.summary, controlId },
      orderKey,
      findings: message.findings,
    });
    await tx.recordOperatorAction({
      actor: who,
      action: 'resend',
      messageId: id,
      resultMessageId: q.messageId,
      orderKey,
      detail: { controlId: choice, newControlId: controlId, ...(reason ? { reason } : {}), ...(bulk ? { bulk: true } : {}) },
    });
    return q;
  });
  gw.wakeOutbox();
  gw.logger.info({ actor: who, messageId: id, copy: queued.messageId, controlId: choice }, 'operator resent a message');
  return {
    messageId: queued.messageId,
    originalMessageId: id,
    controlId,
    sameControlId: choice === 'same',
    consequence: choice === 'same' ? SAME_CONTROL_ID_CONSEQUENCE : NEW_CONTROL_ID_CONSEQUENCE,
  };
}

async function retry(gw: Gateway, id: number, who: string, bulk = false) {
  const { message, outboxId, orderKey } = await outboundOf(gw, id);
  if (message.status !== 'parked') throw conflict(`Message ${id} is not parked (${message.status})`);
  await gw.store.retryParked(outboxId);
  await gw.store.transaction((tx) =>
    tx.recordOperatorAction({ actor: who, action: 'retry', messageId: id, orderKey, ...(bulk ? { detail: { bulk: true } } : {}) }),
  );
  gw.wakeOutbox();
  return { retried: true, outboxId };
}

async function discard(gw: Gateway, id: number, who: string, reason?: string, bulk = false) {
  const { message, outboxId, orderKey } = await outboundOf(gw, id);
  if (message.status !== 'parked') throw conflict(`Message ${id} is not parked (${message.status}): only a parked message is discarded`);
  const why = reason ?? `discarded by ${who}`;
  await gw.store.discardParked(outboxId, why);
  await gw.store.transaction((tx) =>
    tx.recordOperatorAction({
      actor: who,
      action: 'discard',
      messageId: id,
      orderKey,
      detail: { reason: why, ...(bulk ? { bulk: true } : {}) },
    }),
  );
  gw.wakeOutbox();
  return { discarded: true, outboxId };
}

const findingKey = (f: StoredFinding) => `${f.rule}@${f.location ?? ''}:${f.message}`;

async function reprocess(gw: Gateway, id: number, dryRun: boolean, who: string) {
  const stored = await gw.store.getMessage(id);
  if (!stored) throw notFound(id);
  if (stored.direction !== 'inbound') throw conflict(`Message ${id} was sent, not received: resend it instead of re-running it`);
  if (!stored.raw) throw conflict(`Message ${id}: retention removed its content; it cannot be re-run`);
  const orderKey =
    stored.summary.placerOrderNumber !== undefined
      ? `${stored.summary.placerAssigningAuthority ?? ''}|${stored.summary.placerOrderNumber}`
      : null;
  if (!dryRun) {
    if (stored.status === 'accepted') {
      throw conflict(`Message ${id} was accepted and applied to its order; a re-run would be answered as a re-delivery of it`);
    }
    const ack = await gw.reprocessInbound(stored.raw, `reprocess-${id}`);
    const ackMessage = tryParseMessage(ack).message;
    const latest = (await gw.store.listMessages({ direction: 'inbound', limit: 1, count: false })).items[0];
    const resultId = latest && latest.id > id ? latest.id : null;
    await gw.store.transaction((tx) =>
      tx.recordOperatorAction({
        actor: who,
        action: 'reprocess',
        messageId: id,
        resultMessageId: resultId,
        orderKey,
        detail: { ack: ackMessage?.get('MSA-1') ?? null },
      }),
    );
    return {
      dryRun: false,
      messageId: id,
      resultMessageId: resultId,
      ack: { code: ackMessage?.get('MSA-1') ?? null, raw: ackMessage?.toString() ?? Buffer.from(ack).toString('latin1') },
    };
  }
  const parsed = tryParseMessage(stored.raw);
  const message = parsed.message;
  let report: ValidationReport | undefined;
  let ack: Message | undefined;
  let workflow: { accept: boolean; from: string; to?: string; message?: string } | null = null;
  if (message) {
    const facts = factsOf(message);
    const plugged = gw.plugins.flatMap((p) => (p.inbound?.flows.includes(facts.flow) ? [p.inbound] : []))[0];
    report = parsed.errors.length > 0 ? validateMessage(parsed) : plugged ? await plugged.validate(message) : validateMessage(message);
    if (!report.valid) ack = plugged ? plugged.nack(message, report) : ackForValidation(message, report);
    else if (facts.key && facts.event) {
      // The order of the partner the message was journaled under (two partners may share a placer number).
      const order = await gw.store.getOrder(gw.config.role, { ...facts.key, partner: stored.partner });
      const t = applyEvent(order?.state ?? 'NONE', facts.event, gw.config.role);
      workflow = t.accept ? { accept: true, from: t.from, to: t.next } : { accept: false, from: t.from, message: t.message };
      ack = t.accept
        ? buildAck(message, { code: 'AA' })
        : buildAck(message, {
            code: 'AR',
            errors: [{ condition: t.errorCode, severity: 'E', message: t.message, applicationCode: t.rule }],
          });
    } else ack = buildAck(message, { code: 'AA' });
  }
  const before = stored.findings;
  const after: readonly Finding[] = report?.issues ?? [];
  const beforeKeys = new Set(before.map(findingKey));
  const afterKeys = new Set(after.map(findingKey));
  await gw.store.transaction((tx) =>
    tx.recordOperatorAction({
      actor: who,
      action: 'reprocess_dry_run',
      messageId: id,
      orderKey,
      detail: { ack: ack?.get('MSA-1') ?? null },
    }),
  );
  return {
    dryRun: true,
    messageId: id,
    status: stored.status,
    ackBefore: stored.ack?.code ?? null,
    findingsBefore: before,
    findingsAfter: after,
    added: after.filter((f) => !beforeKeys.has(findingKey(f))),
    removed: before.filter((f) => !afterKeys.has(findingKey(f))),
    workflow,
    ack: ack ? { code: ack.get('MSA-1'), raw: ack.toString() } : null,
  };
}

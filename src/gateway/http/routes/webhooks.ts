import type { FastifyInstance } from 'fastify';
import type { DeliveryState } from '../../../store/index.js';
import type { GatewayRouteOptions } from '../route-plugin.js';
import { listQuery } from '../schemas.js';

/** The webhook delivery log and manual retry. */
export async function webhookRoutes(app: FastifyInstance, { gateway: gw }: GatewayRouteOptions): Promise<void> {
  app.get<{ Querystring: { state?: DeliveryState; event?: string; limit: number; offset: number } }>(
    '/api/webhooks/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook deliveries, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            state: { enum: ['pending', 'in_flight', 'delivered', 'parked', 'discarded'] },
            event: { type: 'string' },
            ...listQuery,
          },
        },
      },
    },
    async (req) => {
      const page = await gw.store.listWebhookDeliveries({
        ...(req.query.state ? { state: req.query.state } : {}),
        ...(req.query.event ? { eventType: req.query.event } : {}),
        limit: req.query.limit,
        offset: req.query.offset,
      });
      return { total: page.total, items: page.items };
    },
  );

  app.post<{ Params: { id: number } }>(
    '/api/webhooks/deliveries/:id/retry',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Retry a parked webhook delivery',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } },
      },
    },
    async (req) => {
      await gw.store.retryWebhook(req.params.id);
      return { retried: true };
    },
  );
}

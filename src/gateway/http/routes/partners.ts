import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GatewayRouteOptions } from '../route-plugin.js';

const actor = (req: FastifyRequest): string => req.apiKeyName ?? 'unknown';

const nameParams = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const;

const partnerState = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    enabled: { type: 'boolean' },
    default: { type: 'boolean', description: 'the partner an order created without `partner` goes to' },
    application: { type: 'string', description: 'MSH-3 it sends' },
    facility: { type: 'string', description: 'MSH-4 it sends' },
    endpoint: { type: 'string', description: 'its MLLP listener, host:port' },
    connected: { type: 'boolean', description: "this instance's client holds a connection to it" },
    lastMessageAt: { type: ['string', 'null'], format: 'date-time' },
    lastInboundAt: { type: ['string', 'null'], format: 'date-time' },
    lane: {
      type: 'object',
      properties: {
        pending: { type: 'integer' },
        inFlight: { type: 'integer' },
        parked: { type: 'integer' },
        oldestPendingAt: { type: ['string', 'null'], format: 'date-time' },
      },
    },
    paused: { type: 'boolean', description: 'its outbound lane is held by an operator' },
    pausedBy: { type: ['string', 'null'] },
    pauseChangedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const reloadResult = {
  type: 'object',
  properties: Object.fromEntries(
    ['added', 'changed', 'removed', 'disabled', 'unchanged'].map((k) => [k, { type: 'array', items: { type: 'string' } }]),
  ),
} as const;

/**
 * The partners (`partners` of the configuration): their state, pause and resume of a partner's outbound
 * lane, and the reload of the list without a restart. Pause, resume and reload are audited
 * (`operator_actions`) under the API key's name.
 */
export async function partnerRoutes(app: FastifyInstance, { gateway: gw }: GatewayRouteOptions): Promise<void> {
  app.get(
    '/api/partners',
    {
      schema: {
        tags: ['partners'],
        summary: 'The partners with their state: connected, last message, lane depth, paused',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: partnerState } } } },
      },
    },
    async () => ({ items: await gw.partnerStates() }),
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post<{ Params: { name: string } }>(
      `/api/partners/:name/${action}`,
      {
        schema: {
          tags: ['partners'],
          summary:
            action === 'pause'
              ? "Pause a partner's outbound lane: its messages wait, in order, on every instance (inbound is unaffected)"
              : "Resume a partner's outbound lane",
          params: nameParams,
          response: { 200: partnerState },
        },
      },
      async (req) => gw.setPartnerPaused(req.params.name, action === 'pause', actor(req)),
    );
  }

  app.post(
    '/api/partners/reload',
    {
      schema: {
        tags: ['partners'],
        summary: 'Read the configuration again and apply its partners without a restart (as SIGHUP does)',
        description:
          'A partner added gets its lane, a changed one (endpoint, TLS, ACK timeout, retry, enabled) its lane restarted, a ' +
          'removed or disabled one its lane stopped; no connection is dropped. Other settings need a restart. 422: the ' +
          'configuration is invalid and nothing changed.',
        response: { 200: reloadResult },
      },
    },
    async (req) => gw.reloadPartners(actor(req)),
  );
}

import type { FastifyInstance } from 'fastify';
import type { GatewayRouteOptions } from '../route-plugin.js';

const alertItem = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    active: { type: 'boolean' },
    value: { type: 'number', nullable: true },
    threshold: { type: 'number' },
    unit: { type: 'string' },
    direction: { enum: ['above', 'below'] },
    since: { type: 'string', format: 'date-time', nullable: true },
    episode: { type: 'integer' },
    detail: { type: 'string', nullable: true },
  },
} as const;

/** The operational alerts (thresholds in `alerts` of the configuration) as the console's health page shows them. */
export async function alertRoutes(app: FastifyInstance, { gateway: gw }: GatewayRouteOptions): Promise<void> {
  app.get(
    '/api/alerts',
    {
      schema: {
        tags: ['system'],
        summary: 'Operational alerts: each enabled alert with its state, last measured value and threshold',
        description:
          'An alert is raised once per episode (`alert.raised` webhook and event) and cleared once when its value is back on the ' +
          'right side of its threshold (`alert.cleared`). Prometheus: `cisis_tlr_alert_active{alert}`.',
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: alertItem } } } },
      },
    },
    async () => ({ items: gw.alerts.current() }),
  );
}

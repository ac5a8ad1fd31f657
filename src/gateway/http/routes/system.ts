import type {} from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import type { GatewayRouteOptions } from '../route-plugin.js';

/** Health (liveness), readiness (store reachable) and Prometheus metrics: no authentication, no patient data. */
export async function systemRoutes(app: FastifyInstance, { gateway: gw }: GatewayRouteOptions): Promise<void> {
  app.get('/health', { schema: { tags: ['system'], summary: 'Liveness' } }, async () => ({
    status: 'ok',
    role: gw.config.role,
    startedAt: gw.startedAt.toISOString(),
  }));
  app.get(
    '/ready',
    { schema: { tags: ['system'], summary: 'Readiness: the store answers; whether imaging reports can be validated' } },
    async (_req, reply) => {
      try {
        const version = await gw.store.schemaVersion();
        const plugins = gw.plugins.flatMap((p) => (p.readiness ? [p.readiness()] : []));
        // `ready` only when every plug-in is (reports can be validated too); `starting` while one prepares (orders
        // are handled meanwhile, so the answer stays 200), `degraded` when one cannot.
        const status = plugins.some((r) => r.status === 'degraded')
          ? 'degraded'
          : plugins.some((r) => r.status === 'starting')
            ? 'starting'
            : 'ready';
        return {
          status,
          storage: gw.store.engine,
          schemaVersion: version,
          partnerConnected: gw.client.connected,
          ...Object.fromEntries(plugins.map((r) => [r.field, r.detail])),
        };
      } catch (e) {
        return reply.code(503).send({ status: 'unavailable', reason: (e as Error).message });
      }
    },
  );
  app.get('/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics' } }, async (_req, reply) => {
    reply.header('content-type', gw.metrics.registry.contentType);
    return gw.metrics.registry.metrics();
  });
}

import type { FastifyPluginAsync } from 'fastify';
import type { Gateway } from '../gateway.js';

/** What every group of API routes is registered with: the gateway it serves. */
export interface GatewayRouteOptions {
  gateway: Gateway;
}

/**
 * A group of API routes: a fastify plugin, registered with its options in a context of its own
 * (encapsulated: its hooks and decorations stay inside). What the root context set before it applies
 * to it as to every route: authentication, idempotency keys, error handler, body parsers.
 */
export type GatewayRoutes = FastifyPluginAsync<GatewayRouteOptions>;

import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import { Gateway } from './gateway.js';
import { consoleRoutes } from './console/index.js';
import { buildHttpApp } from './http/app.js';
import { documentHandling } from './reports/document-inbound.js';

/**
 * Starts a complete half-connector: the gateway core, its REST API (with docs) and, when available,
 * the documents layer and the console. The one place that assembles the product.
 */
export async function startGateway(config: GatewayConfig, options: { logger?: Logger; pollMs?: number } = {}): Promise<Gateway> {
  return Gateway.start(config, {
    ...options,
    documents: documentHandling(config),
    http: (gw) => buildHttpApp(gw, { extra: (app) => consoleRoutes(app) }),
  });
}

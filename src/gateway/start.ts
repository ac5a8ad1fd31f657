import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import { Gateway } from './gateway.js';
import { consoleRoutes } from './console/index.js';
import { buildHttpApp } from './http/app.js';
import { configureCdaValidation, describeCdaValidationStatus, warmUpCdaValidation } from './documents/cda-validation.js';
import { documentHandling } from './documents/document-inbound.js';

/**
 * Starts a complete half-connector: the gateway core, its REST API (with docs) and, when available,
 * the documents layer and the console. The one place that assembles the product.
 */
export async function startGateway(config: GatewayConfig, options: { logger?: Logger; pollMs?: number; warmUpCda?: boolean } = {}): Promise<Gateway> {
  const { warmUpCda = true, ...rest } = options;
  const gw = await Gateway.start(config, {
    ...rest,
    documents: documentHandling(config),
    http: (g) => buildHttpApp(g, { routes: [consoleRoutes] }),
  });
  if (config.reports.cdaKit) configureCdaValidation({ kitDir: config.reports.cdaKit });
  if (warmUpCda) {
    // Reports are validated against the ANS rule sets: the compiled forms shipped for the bundled kit load in
    // seconds; a user-supplied kit is compiled once (minutes). Either way in the background: /ready tells
    // where it stands and the report API answers 503 until then.
    const started = Date.now();
    const progress = setInterval(() => gw.logger.info({ reports: describeCdaValidationStatus() }, 'CDA rule sets not ready yet'), 30_000);
    progress.unref();
    warmUpCdaValidation().then(
      () => gw.logger.info({ ms: Date.now() - started }, 'CDA rule sets ready'),
      (e: unknown) => gw.logger.error({ err: e }, 'CDA rule sets could not be prepared; reports will be refused until they are'),
    ).finally(() => clearInterval(progress));
  }
  return gw;
}

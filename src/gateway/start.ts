import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import { Gateway } from './gateway.js';
import { consoleRoutes } from './console/index.js';
import type { CdaValidation } from './documents/cda-validation.js';
import { DocumentsPlugin } from './documents/documents-plugin.js';
import { buildHttpApp } from './http/app.js';
import { OnwardPlugin } from './onward/onward-plugin.js';

export interface StartGatewayOptions {
  logger?: Logger;
  pollMs?: number;
  /** Prepare the CDA rule sets in the background as the gateway starts (default `true`). */
  warmUpCda?: boolean;
  /** A CDA validation shared by the gateways of this process (the demo runs two); default one per gateway. */
  cdaValidation?: CdaValidation;
  /** Reads the configuration again for a partners reload (SIGHUP, `POST /api/partners/reload`). */
  reloadConfig?: () => Promise<GatewayConfig>;
}

/**
 * Starts a complete half-connector: the gateway core with the documents layer plugged in, its REST
 * API (with docs) and the console. The one place that assembles the product.
 */
export async function startGateway(config: GatewayConfig, options: StartGatewayOptions = {}): Promise<Gateway> {
  const { warmUpCda = true, cdaValidation, ...rest } = options;
  // RIS with an onward route: accepted reports go on to the PFI (DMP, MSSanté).
  const onward = config.onward?.pfi ? new OnwardPlugin(config) : undefined;
  const documents = new DocumentsPlugin(config, {
    warmUp: warmUpCda,
    ...(cdaValidation ? { cdaValidation } : {}),
    ...(onward ? { onReportAccepted: (tx, key, accepted) => onward.reportAccepted(tx, key, accepted) } : {}),
  });
  return Gateway.start(config, {
    ...rest,
    plugins: onward ? [documents, onward] : [documents],
    http: (g) => buildHttpApp(g, { routes: [consoleRoutes] }),
  });
}

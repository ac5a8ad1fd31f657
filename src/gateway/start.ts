import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import { Gateway } from './gateway.js';
import { consoleRoutes } from './console/index.js';
import type { CdaValidation } from './documents/cda-validation.js';
import { DocumentsPlugin } from './documents/documents-plugin.js';
import { buildHttpApp } from './http/app.js';
import { DmpRoutePlugin } from './onward/dmp-route.js';
import type { DmpTransportFactory } from './onward/dmp-route.js';
import type { ReportAcceptedHook } from './documents/document-inbound.js';
import { OnwardPlugin } from './onward/onward-plugin.js';
import { createXdsDmpTransport } from './onward/xds-dmp-transport.js';

export interface StartGatewayOptions {
  logger?: Logger;
  pollMs?: number;
  /** Prepare the CDA rule sets in the background as the gateway starts (default `true`). */
  warmUpCda?: boolean;
  /** A CDA validation shared by the gateways of this process (the demo runs two); default one per gateway. */
  cdaValidation?: CdaValidation;
  /** How the direct DMP route reaches the DMP (default: the XDS.b client over mutual TLS). */
  dmpTransport?: DmpTransportFactory;
  /** Reads the configuration again for a partners reload (SIGHUP, `POST /api/partners/reload`). */
  reloadConfig?: () => Promise<GatewayConfig>;
}

/**
 * Starts a complete half-connector: the gateway core with the documents layer plugged in, its REST
 * API (with docs) and the console. The one place that assembles the product.
 */
export async function startGateway(config: GatewayConfig, options: StartGatewayOptions = {}): Promise<Gateway> {
  const { warmUpCda = true, cdaValidation, dmpTransport = createXdsDmpTransport, ...rest } = options;
  // RIS with onward routes: accepted reports go on to the PFI (DMP, MSSanté) and/or directly to the DMP (XDS.b).
  const onward = config.onward?.pfi ? new OnwardPlugin(config) : undefined;
  const dmp = config.onward?.dmp ? new DmpRoutePlugin(config, dmpTransport) : undefined;
  const routes = [onward, dmp].filter((r) => r !== undefined);
  const onReportAccepted: ReportAcceptedHook = async (tx, key, accepted) => {
    const events = [];
    for (const r of routes) events.push(...(await r.reportAccepted(tx, key, accepted)));
    return events;
  };
  const documents = new DocumentsPlugin(config, {
    warmUp: warmUpCda,
    ...(cdaValidation ? { cdaValidation } : {}),
    ...(routes.length ? { onReportAccepted } : {}),
  });
  return Gateway.start(config, {
    ...rest,
    plugins: [documents, ...routes],
    http: (g) => buildHttpApp(g, { routes: [consoleRoutes] }),
  });
}

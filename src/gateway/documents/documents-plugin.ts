import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.js';
import { GatewayError } from '../errors.js';
import type { Gateway } from '../gateway.js';
import type { GatewayRoutes } from '../http/route-plugin.js';
import type {
  DocumentVerdict,
  GatewayPlugin,
  OrderDocumentOutcome,
  OrderDocumentsOfRequest,
  PluginContext,
  PluginInbound,
  PluginReadiness,
} from '../plugin.js';
import type { OrderKey } from '../../store/index.js';
import { CdaRulesNotReadyError, CdaValidation, describeCdaValidationStatus } from './cda-validation.js';
import { documentInbound } from './document-inbound.js';
import { OrderDocumentActions } from './order-documents.js';
import { orderDocumentRoutes, sendOrderDocuments } from './order-document-routes.js';
import type { ReportAcceptedHook } from './document-inbound.js';
import { ReportActions } from './report-actions.js';
import { reportRoutes } from './report-routes.js';

export interface DocumentsPluginOptions {
  /**
   * Prepares the CDA rule sets in the background as the gateway starts (default). Without it they are
   * prepared at the first validation, which waits for them (bounded: a 503 or an AR 206 when late).
   */
  warmUp?: boolean;
  /** A CDA validation shared with the other gateways of the process; default one of its own, with the configured kit. */
  cdaValidation?: CdaValidation;
  /** Told of every report the RIS accepts, in its transaction (the onward route to the PFI). */
  onReportAccepted?: ReportAcceptedHook;
}

/**
 * The documents layer of a half-connector, plugged into the gateway core: CDA R2 imaging reports
 * sent by the platform (T02/T10/T04 through the report API), document messages received over MLLP
 * (reports on the RIS, the order document on the platform), and the CDA validation (XSD + ANS
 * schematrons) both rely on, whose readiness `/ready` reports as `reports`.
 */
export class DocumentsPlugin implements GatewayPlugin {
  readonly name = 'documents';
  readonly validation: CdaValidation;
  readonly inbound: PluginInbound;
  readonly routes: GatewayRoutes;
  readonly #warmUp: boolean;
  #reports: ReportActions | undefined;
  #orderDocuments: OrderDocumentActions | undefined;
  #release: (() => Promise<void>) | undefined;

  constructor(config: GatewayConfig, options: DocumentsPluginOptions = {}) {
    this.validation = options.cdaValidation ?? new CdaValidation(config.reports.cdaKit ? { kitDir: config.reports.cdaKit } : {});
    this.#warmUp = options.warmUp ?? true;
    this.inbound = documentInbound(config, this.validation, options.onReportAccepted);
    this.routes = async (app, { gateway }) => {
      await reportRoutes(app, { gateway, reports: this.reports });
      await orderDocumentRoutes(app, { gateway, documents: this.orderDocuments });
    };
  }

  /** The platform's report actions: write (T02), replace (T10) and delete (T04) the reports of an order. */
  get reports(): ReportActions {
    if (!this.#reports) throw new Error('The documents plug-in has not been started by a gateway');
    return this.#reports;
  }

  /** The RIS's request and supporting documents (MDM^T02/T10/T04 after the order's ORM^O01). */
  get orderDocuments(): OrderDocumentActions {
    if (!this.#orderDocuments) throw new Error('The documents plug-in has not been started by a gateway');
    return this.#orderDocuments;
  }

  /** The documents given with `POST /api/orders`, after its ORM^O01 (the RIS). */
  sendOrderDocuments(key: OrderKey, documents: OrderDocumentsOfRequest): Promise<OrderDocumentOutcome[]> {
    return sendOrderDocuments(this.orderDocuments, key, documents);
  }

  start(context: PluginContext): void {
    this.#release = this.validation.hold();
    this.#reports = new ReportActions(context.actions, this.validation);
    this.#orderDocuments = new OrderDocumentActions(context.actions, this.validation);
    if (this.#warmUp) this.#warmUpInBackground(context.logger);
  }

  /** Prepares the CDA rule sets now; resolves when they are ready. */
  warmUp(): Promise<void> {
    return this.validation.warmUp();
  }

  readiness(): PluginReadiness {
    const s = this.validation.status();
    // `ready` only when reports can be validated too; `starting` while their rule sets load or compile (orders
    // are handled meanwhile), `degraded` when they cannot be prepared.
    return {
      status: s.state === 'ready' ? 'ready' : s.state === 'failed' ? 'degraded' : 'starting',
      field: 'reports',
      detail: describeCdaValidationStatus(s),
    };
  }

  async validateDocument(xml: Uint8Array): Promise<DocumentVerdict> {
    try {
      const r = await this.validation.validate(xml);
      return { profile: r.profile, valid: r.valid, issues: [...r.issues] };
    } catch (e) {
      if (e instanceof CdaRulesNotReadyError) throw new GatewayError('TLR_ERR_GATEWAY_NOT_READY', e.message, 503);
      throw e;
    }
  }

  /** Lets go of the CDA validation: its worker stops unless another gateway of the process still holds it. */
  async stop(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    await release?.();
  }

  /**
   * Reports are validated against the ANS rule sets: the compiled forms shipped for the bundled kit load in
   * seconds; a user-supplied kit is compiled once (minutes). Either way in the background: /ready tells
   * where it stands and the report API answers 503 until then.
   */
  #warmUpInBackground(logger: Logger): void {
    const started = Date.now();
    const progress = setInterval(
      () => logger.info({ reports: describeCdaValidationStatus(this.validation.status()) }, 'CDA rule sets not ready yet'),
      30_000,
    );
    progress.unref();
    this.validation
      .warmUp()
      .then(
        () => logger.info({ ms: Date.now() - started }, 'CDA rule sets ready'),
        (e: unknown) => logger.error({ err: e }, 'CDA rule sets could not be prepared; reports will be refused until they are'),
      )
      .finally(() => clearInterval(progress));
  }
}

/** The documents plug-in a gateway runs with (`startGateway` plugs it in); throws for a gateway without it. */
export function documentsOf(gateway: Gateway): DocumentsPlugin {
  const plugin = gateway.plugins.find((p): p is DocumentsPlugin => p instanceof DocumentsPlugin);
  if (!plugin) throw new Error('This gateway runs without the documents plug-in');
  return plugin;
}

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Counter } from 'prom-client';
import { MllpClient, MllpServer } from '../../mllp/index.js';
import type { OutboxClaim, PublicationInput, PublicationRecord, Store, StoreTransaction } from '../../store/index.js';
import { formatOrderKey } from '../../store/index.js';
import type { OrderKey } from '../../store/index.js';
import type { GatewayConfig } from '../config.js';
import type { GatewayEvent } from '../events.js';
import { clientTls, serverTls } from '../gateway.js';
import { summaryOf } from '../message-facts.js';
import { OutboundDispatcher } from '../outbound-dispatcher.js';
import type { ActionContext } from '../outbound-actions.js';
import type { GatewayPlugin, PluginContext } from '../plugin.js';
import type { OnwardPfiConfig } from './onward-config.js';
import type { AcceptedReport } from './onward-request.js';
import { planOnwardMessage } from './onward-request.js';
import { createReceiptHandler, publicationEvent } from './receipt-inbound.js';
import { publicationsCounter } from './report-publications.js';
import type { PublicationOutcomeLabel } from './report-publications.js';

/** Poll interval of the PFI outbox (its dispatcher is also woken by every delivery of its own). */
const PFI_POLL_MS = 200;

/**
 * The onward route of a RIS half-connector (RIS → PFI, "Transmission de documents CDA en HL7 v2",
 * volet 2.1): every report the RIS accepts from the platform (T02, T10, T04) becomes, in the same
 * transaction, an MDM v2.6 message to the integration platform (PFI) queued in the durable outbox
 * under the PFI's own partner name and the order's lane (ordered per order, retried, parked after
 * `outbox.maxAttempts`), together with one publication row per destination (DMP, each MSSanté
 * mailbox). A message the document-transport pack would refuse is held with its findings and never
 * sent. A second MLLP listener takes the PFI's business receipts (ZAM) and settles the destinations.
 */
export class OnwardPlugin implements GatewayPlugin {
  readonly name = 'onward';
  readonly pfi: OnwardPfiConfig;
  readonly #config: GatewayConfig;
  #store: Store | undefined;
  #actions: ActionContext | undefined;
  #client: MllpClient | undefined;
  #dispatcher: OutboundDispatcher | undefined;
  #server: MllpServer | undefined;
  #logger: Logger | undefined;
  #counter: Counter<'destination' | 'outcome'> | undefined;
  #receiptPort = 0;

  constructor(config: GatewayConfig) {
    const pfi = config.onward?.pfi;
    if (!pfi) throw new Error('The onward plug-in needs onward.pfi in the configuration');
    this.#config = config;
    this.pfi = pfi;
  }

  /** Port of the receipt listener (useful when configured as 0). */
  get receiptPort(): number {
    return this.#receiptPort;
  }

  async start(context: PluginContext): Promise<void> {
    const { store } = context.actions;
    this.#store = store;
    this.#actions = context.actions;
    const logger = context.logger.child({ component: 'onward' });
    this.#logger = logger;
    this.#counter = publicationsCounter(context.metrics.registry);
    const { pfi } = this;
    this.#client = new MllpClient({
      host: pfi.host,
      port: pfi.port,
      ackTimeoutMs: pfi.ackTimeoutMs,
      maxFrameBytes: this.#config.mllp.maxFrameBytes,
      logger,
      ...(pfi.tls ? { tls: await clientTls(pfi.tls) } : {}),
    });
    this.#dispatcher = new OutboundDispatcher({
      store,
      partner: pfi.name,
      client: this.#client,
      metrics: context.metrics,
      logger: logger.child({ component: 'pfi-outbox' }),
      ackTimeoutMs: pfi.ackTimeoutMs,
      pollMs: PFI_POLL_MS,
      workerId: randomUUID(),
      onDelivered: (claim) => this.#moved(claim, ['pending', 'parked'], 'sent'),
      onParked: (claim, reason) => this.#moved(claim, ['pending'], 'parked', reason),
    });
    await store.registerWorkers([this.#dispatcher.workerId]);
    this.#server = new MllpServer({
      handler: createReceiptHandler({
        partner: pfi.name,
        store,
        metrics: context.metrics,
        logger: logger.child({ component: 'receipts' }),
        enqueueEvent: context.actions.enqueueEvent,
        emitted: context.actions.emitted,
        settled: (p) => this.#count(p.destination, p.status as PublicationOutcomeLabel),
      }),
      maxFrameBytes: this.#config.mllp.maxFrameBytes,
      idleTimeoutMs: this.#config.mllp.idleTimeoutMs,
      frameTimeoutMs: this.#config.mllp.frameTimeoutMs,
      maxConnections: this.#config.mllp.maxConnections,
      maxConnectionsPerPeer: this.#config.mllp.maxConnectionsPerPeer,
      allowedPeers: pfi.listen.allowedPeers,
      logger: logger.child({ component: 'receipt-listener' }),
      ...(pfi.listen.tls ? { tls: await serverTls(pfi.listen.tls) } : {}),
    });
    this.#dispatcher.start();
    this.#receiptPort = (await this.#server.listen(pfi.listen.port, pfi.listen.host)).port;
    logger.info({ pfi: `${pfi.host}:${pfi.port}`, receipts: this.#receiptPort }, 'onward route to the PFI started');
  }

  /**
   * Called by the documents plug-in in the transaction that accepted a report: queues (or holds) the
   * message to the PFI and records its destinations. Returns the events to raise with the report's.
   */
  async reportAccepted(tx: StoreTransaction, key: OrderKey, accepted: AcceptedReport): Promise<GatewayEvent[]> {
    const plan = planOnwardMessage(this.#config, this.pfi, accepted);
    const orderKey = formatOrderKey(key);
    const pending = plan.destinations.filter((d) => d.status === 'pending');
    const base = {
      orderKey,
      documentId: accepted.report.documentId,
      version: accepted.report.version,
      requestKind: accepted.kind,
      controlId: plan.controlId,
    };
    let messageId: number | null = null;
    if (!plan.held && plan.message && pending.length > 0) {
      const queued = await tx.enqueueOutbound({
        partner: this.pfi.name,
        raw: plan.message.toBytes(),
        summary: summaryOf(plan.message, 'report'),
        orderKey,
        findings: plan.findings,
      });
      messageId = queued.messageId;
    }
    const rows: PublicationInput[] = plan.destinations.map((d) => ({
      ...base,
      messageId,
      destination: d.destination,
      ...(d.address !== undefined ? { address: d.address } : {}),
      status: d.status === 'skipped' ? 'skipped' : plan.held ? 'held' : 'pending',
      ...(d.reason ? { errorText: d.reason } : {}),
      ...(plan.held && d.status === 'pending' ? { findings: plan.findings } : {}),
    }));
    await tx.recordPublications(rows);
    for (const r of rows) this.#count(r.destination, r.status === 'pending' ? 'queued' : (r.status as PublicationOutcomeLabel));
    if (!plan.held || pending.length === 0) return [];
    const errors = plan.findings.filter((f) => f.severity === 'error');
    this.#logger?.warn(
      { orderKey, rules: errors.map((f) => f.rule) },
      'report held: the message to the PFI would not validate; it is not sent',
    );
    return pending.map((d) => ({
      type: 'report.publication_failed' as const,
      orderKey,
      placerOrderNumber: key.placerNumber,
      at: new Date().toISOString(),
      data: {
        documentId: accepted.report.documentId,
        version: accepted.report.version,
        request: accepted.kind,
        destination: d.destination,
        ...(d.address ? { address: d.address } : {}),
        status: 'held',
        findings: errors.slice(0, 20),
      },
    }));
  }

  /** The PFI acknowledged (AA) or refused / never answered a message: its destinations move. */
  async #moved(claim: OutboxClaim, from: Array<'pending' | 'parked'>, to: 'sent' | 'parked', reason?: string): Promise<void> {
    const store = this.#store;
    if (!store || !claim.controlId) return;
    const moved: readonly PublicationRecord[] = await store.markPublications(claim.controlId, from, to, reason);
    for (const p of moved) this.#count(p.destination, to);
    if (to !== 'parked' || moved.length === 0) return;
    const events = moved.map((p) => publicationEvent(p, claim.messageId));
    await store.transaction(async (tx) => {
      for (const e of events) await this.#actions!.enqueueEvent(tx, e);
    });
    this.#actions!.emitted(events);
  }

  #count(destination: string, outcome: PublicationOutcomeLabel): void {
    this.#counter?.inc({ destination, outcome });
  }

  async stop(): Promise<void> {
    await this.#server?.close().catch(() => undefined);
    await this.#dispatcher?.stop();
    await this.#client?.close().catch(() => undefined);
  }
}

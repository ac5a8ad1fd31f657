import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { MllpClientTlsOptions, MllpServerTlsOptions } from '../mllp/index.js';
import { MllpClient, MllpServer } from '../mllp/index.js';
import type { Store, StoreTransaction } from '../store/index.js';
import { openStore } from '../store/index.js';
import { AlertMonitor } from './alerts.js';
import type { GatewayConfig, TlsFiles } from './config.js';
import type { GatewayEvent } from './events.js';
import { createInboundHandler } from './inbound-handler.js';
import { GatewayMetrics } from './metrics.js';
import { orderSearchTerms } from './order-data.js';
import { OutboundDispatcher } from './outbound-dispatcher.js';
import type { ActionContext } from './outbound-actions.js';
import { PlatformActions, RisActions } from './outbound-actions.js';
import type { GatewayPlugin } from './plugin.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

export interface GatewayStartOptions {
  logger?: Logger;
  /** What the core runs without knowing it (`startGateway` plugs the documents layer in); none in headless tests. */
  plugins?: readonly GatewayPlugin[];
  /** Builds the REST API (and console) on top of the running gateway; omitted in headless tests. */
  http?: (gateway: Gateway) => Promise<FastifyInstance>;
  /** Outbox poll interval (ms) for retries whose backoff elapsed. */
  pollMs?: number;
}

interface GatewayEvents {
  event: [GatewayEvent];
}

/**
 * One half-connector (RIS or platform) as a running service: the MLLP listener for what the
 * partner sends, the outbox dispatcher that delivers what we send, the webhook dispatcher, the
 * store, retention and metrics. The REST API and the simulators drive it through `ris`/`platform`.
 */
export class Gateway extends EventEmitter<GatewayEvents> {
  readonly config: GatewayConfig;
  readonly store: Store;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly ris: RisActions;
  readonly platform: PlatformActions;
  readonly startedAt = new Date();
  readonly client: MllpClient;
  /** The operational alerts (`alerts.ts`), evaluated every `alerts.intervalMs`. */
  readonly alerts: AlertMonitor;
  /** The plug-ins it runs (the documents layer: reports, order documents, CDA validation), started and stopped with it. */
  readonly plugins: readonly GatewayPlugin[];
  readonly #actions: ActionContext;
  #server: MllpServer | undefined;
  #inbound: ReturnType<typeof createInboundHandler> | undefined;
  #outbound: OutboundDispatcher;
  #webhooks: WebhookDispatcher;
  #http: FastifyInstance | undefined;
  #timers: NodeJS.Timeout[] = [];
  #mllpAddress: AddressInfo | undefined;
  #apiAddress: AddressInfo | undefined;
  /** Identity of this process: its workers lease outbox and webhook items under it. */
  readonly instanceId: string;
  readonly #legacyInstanceId: string | undefined;

  private constructor(
    config: GatewayConfig,
    store: Store,
    logger: Logger,
    client: MllpClient,
    pollMs: number,
    instanceId: string,
    legacyInstanceId: string | undefined,
    plugins: readonly GatewayPlugin[],
  ) {
    super();
    this.plugins = plugins;
    this.instanceId = instanceId;
    this.#legacyInstanceId = legacyInstanceId;
    this.config = config;
    this.store = store;
    this.logger = logger;
    this.metrics = new GatewayMetrics(config.role);
    this.client = client;
    const ctx: ActionContext = {
      config,
      store,
      enqueueEvent: (tx, e) => this.enqueueEvent(tx, e),
      queued: () => this.#outbound.wake(),
      emitted: (events) => this.#emit(events),
    };
    this.#actions = ctx;
    this.ris = new RisActions(ctx);
    this.platform = new PlatformActions(ctx, { ...config.organisation });
    this.#outbound = new OutboundDispatcher({
      store,
      partner: config.partner.name,
      client,
      metrics: this.metrics,
      logger: logger.child({ component: 'outbox' }),
      ackTimeoutMs: config.partner.ackTimeoutMs,
      pollMs,
      workerId: instanceId,
      onParked: async (claim, reason, errors, cause) => {
        const event: GatewayEvent = {
          type: 'message.parked',
          ...(claim.orderKey ? { orderKey: claim.orderKey } : {}),
          messageId: claim.messageId,
          at: new Date().toISOString(),
          data: { controlId: claim.controlId, reason, cause, errors },
        };
        await store.transaction((tx) => this.enqueueEvent(tx, event));
        this.#emit([event]);
      },
      onDelivered: (claim) =>
        this.#emit([
          {
            type: 'order.updated',
            ...(claim.orderKey ? { orderKey: claim.orderKey } : {}),
            messageId: claim.messageId,
            at: new Date().toISOString(),
            data: { delivered: true },
          },
        ]),
    });
    this.alerts = new AlertMonitor({
      config,
      store,
      partnerConnected: () => client.connected,
      metrics: this.metrics,
      logger: logger.child({ component: 'alerts' }),
      enqueueEvent: (tx, e) => this.enqueueEvent(tx, e),
      emitted: (events) => this.#emit(events),
    });
    this.#webhooks = new WebhookDispatcher({
      store,
      webhooks: config.webhooks,
      metrics: this.metrics,
      logger: logger.child({ component: 'webhooks' }),
      workerId: instanceId,
    });
  }

  /** Opens the store (migrating it), starts the MLLP listener, the dispatchers and the API. */
  static async start(config: GatewayConfig, options: GatewayStartOptions = {}): Promise<Gateway> {
    const logger = options.logger ?? pino({ level: config.logLevel, base: { role: config.role } });
    await mkdir(config.dataDir, { recursive: true });
    // A fresh identity per process, never shared: two processes under one name would take each
    // other's leases for their own. `exclusive` refuses a SQLite database another live process uses.
    const instanceId = randomUUID();
    const legacyInstanceId = await readLegacyInstanceId(config.dataDir);
    // The metrics are created with the gateway, after the store that feeds this one.
    let commitGroups: GatewayMetrics['commitGroupMessages'] | undefined;
    const store = await openStore(config.storage.url, {
      backoff: { baseMs: config.outbox.baseDelayMs, maxMs: config.outbox.maxDelayMs, maxAttempts: config.outbox.maxAttempts },
      exclusive: true,
      orderSearchTerms,
      ...(config.storage.poolSize ? { poolSize: config.storage.poolSize } : {}),
      groupCommit: config.storage.groupCommit,
      onCommitGroup: (messages) => commitGroups?.observe(messages),
    });
    const client = new MllpClient({
      host: config.partner.host,
      port: config.partner.port,
      ackTimeoutMs: config.partner.ackTimeoutMs,
      maxFrameBytes: config.mllp.maxFrameBytes,
      logger,
      ...(config.partner.tls ? { tls: await clientTls(config.partner.tls) } : {}),
    });
    const gw = new Gateway(config, store, logger, client, options.pollMs ?? 500, instanceId, legacyInstanceId, options.plugins ?? []);
    commitGroups = gw.metrics.commitGroupMessages;
    try {
      await gw.#start(options);
    } catch (e) {
      await gw.stop();
      throw e;
    }
    return gw;
  }

  async #start(options: GatewayStartOptions): Promise<void> {
    const { config } = this;
    for (const plugin of this.plugins) await plugin.start?.({ config, logger: this.logger, actions: this.#actions, metrics: this.metrics });
    this.#inbound = createInboundHandler({
      config,
      store: this.store,
      metrics: this.metrics,
      logger: this.logger.child({ component: 'inbound' }),
      enqueueEvent: (tx, e) => this.enqueueEvent(tx, e),
      emitted: (events) => this.#emit(events),
      plugged: this.plugins.flatMap((p) => (p.inbound ? [p.inbound] : [])),
    });
    this.#server = new MllpServer({
      handler: this.#inbound,
      maxFrameBytes: config.mllp.maxFrameBytes,
      idleTimeoutMs: config.mllp.idleTimeoutMs,
      frameTimeoutMs: config.mllp.frameTimeoutMs,
      maxConnections: config.mllp.maxConnections,
      maxConnectionsPerPeer: config.mllp.maxConnectionsPerPeer,
      allowedPeers: config.mllp.allowedPeers,
      logger: this.logger.child({ component: 'mllp-server' }),
      ...(config.mllp.tls ? { tls: await serverTls(config.mllp.tls) } : {}),
    });
    this.metrics.observeMllpServer(this.#server);
    await this.store.registerWorkers([this.#outbound.workerId, this.#webhooks.workerId]);
    // What dead processes left in flight is resent now rather than when their leases expire; the
    // leases of live instances (PostgreSQL) are never touched.
    let released = await this.store.releaseOrphanedLeases();
    if (this.#legacyInstanceId !== undefined && this.store.engine === 'sqlite') {
      // An older release kept one stable id in the data directory; on SQLite, which this process now
      // holds alone, what it left in flight is released too. On PostgreSQL it cannot be told apart from
      // a live older instance, so those leases expire instead.
      released += await this.store.releaseLeases([`out-${this.#legacyInstanceId}`, `wh-${this.#legacyInstanceId}`]);
    }
    if (released) this.logger.warn({ released }, 'resending what a stopped instance left in flight');
    this.#outbound.start();
    this.#webhooks.start();
    if (options.http) {
      this.#http = await options.http(this);
      await this.#http.listen({ port: config.api.port, host: config.api.host });
      this.#apiAddress = this.#http.server.address() as AddressInfo;
    }
    // The partner is let in last, once everything that handles and reports its messages runs.
    this.#mllpAddress = await this.#server.listen(config.mllp.port, config.mllp.host);
    await this.#refreshGauges();
    this.#timers.push(setInterval(() => void this.#refreshGauges(), 5_000).unref());
    this.alerts.start();
    const prune = () =>
      void this.store
        .pruneContent(config.retention.contentDays)
        .then((r) => {
          if (r.messages || r.webhooks) this.logger.info({ ...r, days: config.retention.contentDays }, 'retention pruned message content');
        })
        .catch((e: unknown) => this.logger.error({ err: e }, 'retention failed'));
    prune();
    this.#timers.push(setInterval(prune, 60 * 60_000).unref());
    this.logger.info(
      {
        mllp: this.#mllpAddress,
        api: this.#apiAddress,
        partner: `${config.partner.host}:${config.partner.port}`,
        storage: this.store.engine,
      },
      'gateway started',
    );
  }

  get mllpPort(): number {
    return this.#mllpAddress?.port ?? 0;
  }
  get apiPort(): number {
    return this.#apiAddress?.port ?? 0;
  }
  get http(): FastifyInstance | undefined {
    return this.#http;
  }

  /**
   * Runs received bytes through the inbound path again, as if the partner had sent them now (current rules,
   * current order state, journaled as a new message); the ACK is returned, not sent. An operator's re-run.
   */
  async reprocessInbound(bytes: Uint8Array, operation: string): Promise<Uint8Array> {
    if (!this.#inbound) throw new Error('the gateway is not started');
    return this.#inbound(Buffer.from(bytes), { peer: 'operator', peerAddress: 'operator', connectionId: operation });
  }

  /** Wakes the outbox dispatcher (after an operator retry). */
  wakeOutbox(): void {
    this.#outbound.wake();
  }

  /** Queues the webhooks of an event, in the caller's transaction (so an event exists iff its cause committed). */
  async enqueueEvent(tx: StoreTransaction, event: GatewayEvent): Promise<void> {
    for (const w of this.config.webhooks) {
      if (!w.events.includes('*') && !w.events.includes(event.type)) continue;
      await tx.enqueueWebhook({ eventType: event.type, payload: event, targetUrl: w.url, orderKey: event.orderKey ?? null });
    }
  }

  #emit(events: GatewayEvent[]): void {
    if (this.config.webhooks.length) this.#webhooks.wake();
    for (const e of events) this.emit('event', e);
  }

  async #refreshGauges(): Promise<void> {
    try {
      const depth = await this.store.outboxDepth();
      for (const d of depth) this.metrics.outboxDepth.set({ partner: d.partner }, d.pending + d.inFlight + d.parked);
      if (!depth.length) this.metrics.outboxDepth.set({ partner: this.config.partner.name }, 0);
    } catch (e) {
      this.logger.warn({ err: e }, 'could not read the outbox depth');
    }
  }

  /** Graceful stop: API, then MLLP listener (in-flight messages finish), dispatchers, plug-ins, client, store. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await this.alerts.stop();
    await this.#http?.close().catch(() => undefined);
    await this.#server?.close().catch(() => undefined);
    await this.#outbound.stop();
    await this.#webhooks.stop();
    // Plug-ins stop while the store is open: their own listeners and dispatchers finish with it.
    for (const plugin of this.plugins) await plugin.stop?.();
    await this.client.close().catch(() => undefined);
    await this.store.close();
  }
}

/**
 * The stable instance id an older release kept in the data directory (`instance-id`), if any. It is
 * no longer written: every instance sharing the directory read the same id, so a starting instance
 * released — and resent — the messages another live one was sending. Read only to release what such
 * a release left in flight.
 */
async function readLegacyInstanceId(dataDir: string): Promise<string | undefined> {
  try {
    const id = (await readFile(join(dataDir, 'instance-id'), 'utf8')).trim();
    return /^[A-Za-z0-9-]{8,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

/** TLS options of an MLLP listener, from the configured files (the partner's listener, the onward route's receipts). */
export async function serverTls(t: TlsFiles): Promise<MllpServerTlsOptions> {
  if (!t.cert || !t.key) throw new Error('mllp.tls needs cert and key');
  return {
    cert: await readFile(t.cert),
    key: await readFile(t.key),
    ...(t.ca ? { ca: await readFile(t.ca) } : {}),
    ...(t.requestClientCert ? { requestCert: true } : {}),
  };
}

/** TLS options of an MLLP client, from the configured files. */
export async function clientTls(t: TlsFiles): Promise<MllpClientTlsOptions> {
  return {
    ...(t.cert ? { cert: await readFile(t.cert) } : {}),
    ...(t.key ? { key: await readFile(t.key) } : {}),
    ...(t.ca ? { ca: await readFile(t.ca) } : {}),
    ...(t.servername ? { servername: t.servername } : {}),
  };
}

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
import type { GatewayConfig, PartnerConfig, TlsFiles } from './config.js';
import type { GatewayEvent } from './events.js';
import { createInboundHandler } from './inbound-handler.js';
import { GatewayMetrics } from './metrics.js';
import { orderSearchTerms } from './order-data.js';
import { OutboundDispatcher } from './outbound-dispatcher.js';
import type { ActionContext } from './outbound-actions.js';
import { PlatformActions, RisActions } from './outbound-actions.js';
import { PartnerDirectory, partnersOf } from './partners.js';
import type { GatewayPlugin } from './plugin.js';
import { GatewayError } from './errors.js';
import { WebhookDispatcher } from './webhook-dispatcher.js';

export interface GatewayStartOptions {
  logger?: Logger;
  /** What the core runs without knowing it (`startGateway` plugs the documents layer in); none in headless tests. */
  plugins?: readonly GatewayPlugin[];
  /** Builds the REST API (and console) on top of the running gateway; omitted in headless tests. */
  http?: (gateway: Gateway) => Promise<FastifyInstance>;
  /** Outbox poll interval (ms) for retries whose backoff elapsed. */
  pollMs?: number;
  /**
   * Reads the configuration again for {@link Gateway.reloadPartners} (SIGHUP, `POST /api/partners/reload`):
   * `cisis-tlr serve` re-reads its file and environment. Absent: a reload is refused.
   */
  reloadConfig?: () => Promise<GatewayConfig>;
}

/** One partner's outbound side: its MLLP client and the dispatcher of its lane (none while disabled). */
interface PartnerLink {
  readonly partner: PartnerConfig;
  readonly client: MllpClient;
  readonly dispatcher: OutboundDispatcher | undefined;
}

/** A partner as `GET /api/partners` and the console show it. */
export interface PartnerState {
  name: string;
  enabled: boolean;
  default: boolean;
  /** MSH-3 / MSH-4 it sends. */
  application: string;
  facility: string;
  /** Its MLLP listener. */
  endpoint: string;
  /** Whether this instance's client holds a connection to it now. */
  connected: boolean;
  lastMessageAt: string | null;
  lastInboundAt: string | null;
  lane: { pending: number; inFlight: number; parked: number; oldestPendingAt: string | null };
  paused: boolean;
  pausedBy: string | null;
  pauseChangedAt: string | null;
}

/** What a reload changed, by partner name (the audit log's detail). */
export interface PartnersReload {
  added: string[];
  changed: string[];
  removed: string[];
  disabled: string[];
  unchanged: string[];
  defaultPartner: string;
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
  /** The partners messages are attributed to and sent to; replaced as a whole by {@link reloadPartners}. */
  readonly partners: PartnerDirectory;
  /** The operational alerts (`alerts.ts`), evaluated every `alerts.intervalMs`. */
  readonly alerts: AlertMonitor;
  /** The plug-ins it runs (the documents layer: reports, order documents, CDA validation), started and stopped with it. */
  readonly plugins: readonly GatewayPlugin[];
  readonly #actions: ActionContext;
  #server: MllpServer | undefined;
  #inbound: ReturnType<typeof createInboundHandler> | undefined;
  readonly #links = new Map<string, PartnerLink>();
  readonly #pollMs: number;
  /** Whether one poller wakes the lanes (several partners) rather than each lane polling. */
  readonly #sharedPoll: boolean;
  #reloadConfig: (() => Promise<GatewayConfig>) | undefined;
  #reloading: Promise<PartnersReload> | undefined;
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
    pollMs: number,
    instanceId: string,
    legacyInstanceId: string | undefined,
    plugins: readonly GatewayPlugin[],
  ) {
    super();
    this.plugins = plugins;
    this.instanceId = instanceId;
    this.#legacyInstanceId = legacyInstanceId;
    this.#pollMs = pollMs;
    this.#sharedPoll = partnersOf(config).length > 1;
    this.config = config;
    this.store = store;
    this.logger = logger;
    this.metrics = new GatewayMetrics(config.role);
    this.partners = new PartnerDirectory(config);
    const ctx: ActionContext = {
      config,
      store,
      partners: this.partners,
      enqueueEvent: (tx, e) => this.enqueueEvent(tx, e),
      queued: (partner) => this.wakeOutbox(partner),
      emitted: (events) => this.#emit(events),
    };
    this.#actions = ctx;
    this.ris = new RisActions(ctx);
    this.platform = new PlatformActions(ctx, { ...config.organisation });
    this.alerts = new AlertMonitor({
      config,
      store,
      partnerConnected: () => this.#links.get(this.partners.defaultPartner.name)?.client.connected ?? false,
      // Partners whose lane runs (enabled); a reload changes the list.
      partnersConnected: () =>
        [...this.#links.values()].filter((l) => l.dispatcher).map((l) => ({ name: l.partner.name, connected: l.client.connected })),
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

  /** The MLLP client of a partner (default: the default partner's). */
  clientOf(partner: string = this.partners.defaultPartner.name): MllpClient | undefined {
    return this.#links.get(partner)?.client;
  }

  /** The default partner's MLLP client (a gateway with one partner: its client). */
  get client(): MllpClient {
    const client = this.clientOf();
    if (!client) throw new Error('the gateway is not started');
    return client;
  }

  /** Whether a partner's MLLP client holds a connection now. */
  partnerConnected(partner: string): boolean {
    return this.#links.get(partner)?.client.connected ?? false;
  }

  /** A partner's client and lane dispatcher; the dispatcher is started by the caller. */
  async #link(partner: PartnerConfig): Promise<PartnerLink> {
    const { config, logger } = this;
    const client = new MllpClient({
      host: partner.host,
      port: partner.port,
      ackTimeoutMs: partner.ackTimeoutMs,
      maxFrameBytes: config.mllp.maxFrameBytes,
      // The client's lines name the partner by its address (`partner: host:port`).
      logger,
      ...(partner.tls ? { tls: await clientTls(partner.tls) } : {}),
    });
    const retry = partner.retry;
    const backoff = retry
      ? {
          ...(retry.baseDelayMs !== undefined ? { baseMs: retry.baseDelayMs } : {}),
          ...(retry.maxDelayMs !== undefined ? { maxMs: retry.maxDelayMs } : {}),
          ...(retry.maxAttempts !== undefined ? { maxAttempts: retry.maxAttempts } : {}),
        }
      : undefined;
    const dispatcher = partner.enabled
      ? new OutboundDispatcher({
          store: this.store,
          partner: partner.name,
          client,
          metrics: this.metrics,
          logger: logger.child({ component: 'outbox', partner: partner.name }),
          ackTimeoutMs: partner.ackTimeoutMs,
          ...(backoff ? { backoff } : {}),
          // With several partners one poller wakes the lanes that have something due (`#pollDue`); each lane's
          // own poll is only a safety net then, so that hundreds of idle lanes do not each query the store.
          pollMs: this.#sharedPoll ? Math.max(this.#pollMs, LANE_SAFETY_POLL_MS) : this.#pollMs,
          workerId: this.instanceId,
          onParked: async (claim, reason, errors, cause) => {
            const event: GatewayEvent = {
              type: 'message.parked',
              ...(claim.orderKey ? { orderKey: claim.orderKey } : {}),
              partner: partner.name,
              messageId: claim.messageId,
              at: new Date().toISOString(),
              data: { controlId: claim.controlId, reason, cause, errors },
            };
            await this.store.transaction((tx) => this.enqueueEvent(tx, event));
            this.#emit([event]);
          },
          onDelivered: (claim) =>
            this.#emit([
              {
                type: 'order.updated',
                ...(claim.orderKey ? { orderKey: claim.orderKey } : {}),
                partner: partner.name,
                messageId: claim.messageId,
                at: new Date().toISOString(),
                data: { delivered: true },
              },
            ]),
        })
      : undefined;
    return { partner, client, dispatcher };
  }

  async #unlink(link: PartnerLink): Promise<void> {
    await link.dispatcher?.stop();
    await link.client.close().catch(() => undefined);
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
    const gw = new Gateway(config, store, logger, options.pollMs ?? 500, instanceId, legacyInstanceId, options.plugins ?? []);
    gw.#reloadConfig = options.reloadConfig;
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
    for (const partner of this.partners.all) this.#links.set(partner.name, await this.#link(partner));
    this.#inbound = createInboundHandler({
      config,
      partners: this.partners,
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
      allowedPeers: this.#admittedPeers(),
      logger: this.logger.child({ component: 'mllp-server' }),
      ...(config.mllp.tls ? { tls: await serverTls(config.mllp.tls) } : {}),
    });
    this.metrics.observeMllpServer(this.#server);
    await this.store.registerWorkers([`out-${this.instanceId}`, this.#webhooks.workerId]);
    // Orders recorded before schema version 8 (or without a partner) belong to the only partner there is.
    if (this.partners.all.length === 1) {
      const adopted = await this.store.adoptOrdersWithoutPartner(this.partners.all[0]!.name);
      if (adopted) this.logger.info({ adopted, partner: this.partners.all[0]!.name }, 'orders without a partner given to the partner');
    }
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
    for (const link of this.#links.values()) link.dispatcher?.start();
    if (this.#sharedPoll) this.#timers.push(setInterval(() => void this.#pollDue(), this.#pollMs).unref());
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
        partners: this.#links.size,
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

  /** Wakes the lanes with an item due (retries whose backoff elapsed, work enqueued by another instance). */
  async #pollDue(): Promise<void> {
    try {
      for (const partner of await this.store.duePartners()) this.wakeOutbox(partner);
    } catch (e) {
      this.logger.warn({ err: e }, 'could not poll the partner lanes');
    }
  }

  /** Wakes the outbox dispatcher of a partner, or of every partner (after an operator retry). */
  wakeOutbox(partner?: string): void {
    if (partner !== undefined) {
      this.#links.get(partner)?.dispatcher?.wake();
      return;
    }
    for (const link of this.#links.values()) link.dispatcher?.wake();
  }

  /** Every partner with its connection, last message, lane depth and pause. */
  async partnerStates(): Promise<PartnerState[]> {
    const partners = this.partners.all;
    const [depths, lanes, activity] = await Promise.all([
      this.store.outboxDepth(),
      this.store.partnerLanes(),
      this.store.partnerActivity(partners.map((p) => p.name)),
    ]);
    const defaultName = this.partners.defaultPartner.name;
    return partners.map((p) => {
      const d = depths.find((x) => x.partner === p.name);
      const lane = lanes.find((l) => l.partner === p.name);
      const a = activity.find((x) => x.partner === p.name);
      return {
        name: p.name,
        enabled: p.enabled,
        default: p.name === defaultName,
        application: p.application,
        facility: p.facility,
        endpoint: `${p.host}:${p.port}`,
        connected: this.partnerConnected(p.name),
        lastMessageAt: a?.lastMessageAt?.toISOString() ?? null,
        lastInboundAt: a?.lastInboundAt?.toISOString() ?? null,
        lane: {
          pending: d?.pending ?? 0,
          inFlight: d?.inFlight ?? 0,
          parked: d?.parked ?? 0,
          oldestPendingAt: d?.oldestPendingAt?.toISOString() ?? null,
        },
        paused: lane?.paused ?? false,
        pausedBy: lane?.changedBy ?? null,
        pauseChangedAt: lane?.changedAt.toISOString() ?? null,
      };
    });
  }

  /**
   * Pauses or resumes a partner's outbound lane, audited (`partner.pause`, `partner.resume`) in the same
   * transaction. Paused, its messages wait in order on every instance; inbound messages are unaffected.
   */
  async setPartnerPaused(name: string, paused: boolean, actor: string): Promise<PartnerState> {
    if (!this.partners.get(name)) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', `No partner named ${name}`, 404);
    await this.store.transaction(async (tx) => {
      await tx.setPartnerPaused(name, paused, actor);
      await tx.recordOperatorAction({ actor, action: paused ? 'partner.pause' : 'partner.resume', detail: { partner: name } });
    });
    this.logger.info({ partner: name, actor }, paused ? 'partner lane paused' : 'partner lane resumed');
    if (!paused) this.wakeOutbox(name);
    return (await this.partnerStates()).find((p) => p.name === name)!;
  }

  /**
   * Addresses the listener admits: `mllp.allowedPeers`, plus those of the partners when every partner is
   * restricted to addresses; any peer when neither restricts.
   */
  #admittedPeers(): string[] {
    const own = this.config.mllp.allowedPeers;
    const partners = this.partners.admittedPeers();
    if (partners === undefined) return [...own];
    return own.length === 0 && partners.length === 0 ? [] : [...new Set([...own, ...partners])];
  }

  /**
   * Reads the configuration again and applies its `partners` (and `defaultPartner`): a partner added gets
   * its lane, a changed one (endpoint, TLS, ACK timeout, retry, enabled) its lane restarted, a removed or
   * disabled one its lane stopped; connections are not dropped (messages are attributed against the new
   * list from now on). Other settings need a restart. Audited as `partners.reload`.
   */
  reloadPartners(actor: string): Promise<PartnersReload> {
    // One reload at a time: a second SIGHUP during a reload waits for it, then reads the file again.
    const run = async (): Promise<PartnersReload> => {
      if (!this.#reloadConfig) {
        throw new GatewayError('TLR_ERR_GATEWAY_CONFLICT', 'This gateway was started without a configuration to reload', 409);
      }
      let next: GatewayConfig;
      try {
        next = await this.#reloadConfig();
      } catch (e) {
        throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', `The configuration was not reloaded: ${(e as Error).message}`, 422);
      }
      if (next.role !== this.config.role) {
        throw new GatewayError('TLR_ERR_GATEWAY_INVALID_REQUEST', 'The configuration was not reloaded: the role cannot change', 422);
      }
      return this.#applyPartners(partnersOf(next), next.defaultPartner ?? next.partner.name, actor);
    };
    const previous = this.#reloading ?? Promise.resolve(undefined);
    const current = previous.catch(() => undefined).then(run);
    this.#reloading = current;
    return current;
  }

  async #applyPartners(partners: PartnerConfig[], defaultPartner: string, actor: string): Promise<PartnersReload> {
    const result: PartnersReload = { added: [], changed: [], removed: [], disabled: [], unchanged: [], defaultPartner };
    const prepared = new Map<string, PartnerLink>();
    // Clients are built (certificates read) before anything changes: a reload that fails changes nothing.
    for (const p of partners) {
      const old = this.#links.get(p.name);
      if (old && sameLane(old.partner, p)) continue;
      prepared.set(p.name, await this.#link(p));
    }
    this.partners.replace(partners, defaultPartner);
    for (const p of partners) {
      const old = this.#links.get(p.name);
      const fresh = prepared.get(p.name);
      if (!fresh) {
        this.#links.set(p.name, { ...old!, partner: p });
        (JSON.stringify(old!.partner) === JSON.stringify(p) ? result.unchanged : result.changed).push(p.name);
        continue;
      }
      if (old) await this.#unlink(old);
      this.#links.set(p.name, fresh);
      fresh.dispatcher?.start();
      (old ? result.changed : result.added).push(p.name);
      if (!p.enabled && old?.partner.enabled !== false) result.disabled.push(p.name);
    }
    for (const [name, link] of [...this.#links]) {
      if (partners.some((p) => p.name === name)) continue;
      await this.#unlink(link);
      this.#links.delete(name);
      result.removed.push(name);
    }
    this.#server?.setAllowedPeers(this.#admittedPeers());
    await this.store.transaction((tx) =>
      tx.recordOperatorAction({ actor, action: 'partners.reload', detail: { ...result } as Record<string, unknown> }),
    );
    this.logger.info({ ...result, actor }, 'partners reloaded');
    await this.#refreshGauges();
    return result;
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
      const now = Date.now();
      for (const name of new Set([...this.#links.keys(), ...depth.map((d) => d.partner)])) {
        const d = depth.find((x) => x.partner === name);
        this.metrics.outboxDepth.set({ partner: name }, d ? d.pending + d.inFlight + d.parked : 0);
        const oldest = d?.oldestPendingAt?.getTime();
        this.metrics.outboxOldestPending.set({ partner: name }, oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000));
        const link = this.#links.get(name);
        if (link?.dispatcher) this.metrics.partnerConnected.set({ partner: name }, link.client.connected ? 1 : 0);
      }
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
    await Promise.all([...this.#links.values()].map((l) => l.dispatcher?.stop()));
    await this.#webhooks.stop();
    // Plug-ins stop while the store is open: their own listeners and dispatchers finish with it.
    for (const plugin of this.plugins) await plugin.stop?.();
    await Promise.all([...this.#links.values()].map((l) => l.client.close().catch(() => undefined)));
    await this.store.close();
  }
}

/** Poll interval of each lane's own worker when one poller wakes the lanes (several partners). */
const LANE_SAFETY_POLL_MS = 30_000;

/** Whether a partner's lane can go on as it is: same endpoint, TLS, ACK timeout, retry policy and enablement. */
function sameLane(a: PartnerConfig, b: PartnerConfig): boolean {
  const lane = (p: PartnerConfig) => JSON.stringify([p.host, p.port, p.tls ?? null, p.ackTimeoutMs, p.retry ?? null, p.enabled]);
  return lane(a) === lane(b);
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

import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { AlertStateRecord, Store, StoreTransaction } from '../store/index.js';
import type { GatewayConfig } from './config.js';
import type { GatewayEvent } from './events.js';
import type { GatewayMetrics } from './metrics.js';

/**
 * The operational alerts a gateway watches, each with its threshold in `alerts` of the configuration:
 * - `outbox_depth`: outbound messages not yet delivered (pending, in flight, parked) ≥ `outboxDepth`;
 * - `outbox_oldest_pending`: age in seconds of the oldest message waiting for delivery ≥ `oldestPendingSeconds`;
 * - `partner_disconnected`: seconds the partner has been unreachable while there is something to send or
 *   after a connection was lost ≥ `partnerDisconnectedSeconds` (an idle gateway that never needed the
 *   partner is not disconnected);
 * - `parked_messages`: parked outbound messages (waiting for an operator) ≥ `parkedMessages`;
 * - `webhook_failures`: webhook deliveries whose last attempt failed (retrying or parked) ≥ `webhookFailures`;
 * - `certificate_expiry`: days before the first of the gateway's TLS certificates (`mllp.tls.cert`,
 *   `partner.tls.cert`) expires ≤ `certificateExpiryDays` (an unreadable certificate counts as expired).
 * A threshold of 0 turns its alert off.
 */
export const ALERT_NAMES = [
  'outbox_depth',
  'outbox_oldest_pending',
  'partner_disconnected',
  'parked_messages',
  'webhook_failures',
  'certificate_expiry',
] as const;

export type AlertName = (typeof ALERT_NAMES)[number];

/** Thresholds of the alerts (0: off) and how often they are evaluated. */
export interface AlertsConfig {
  intervalMs: number;
  outboxDepth: number;
  oldestPendingSeconds: number;
  partnerDisconnectedSeconds: number;
  parkedMessages: number;
  webhookFailures: number;
  certificateExpiryDays: number;
}

export const DEFAULT_ALERTS: AlertsConfig = {
  intervalMs: 15_000,
  outboxDepth: 1000,
  oldestPendingSeconds: 600,
  partnerDisconnectedSeconds: 300,
  parkedMessages: 1,
  webhookFailures: 10,
  certificateExpiryDays: 30,
};

interface AlertRule {
  readonly name: AlertName;
  readonly threshold: (c: AlertsConfig) => number;
  readonly unit: 'messages' | 'seconds' | 'deliveries' | 'days';
  /** `above`: raised at value ≥ threshold, cleared below it; `below`: raised at value ≤ threshold, cleared above it. */
  readonly direction: 'above' | 'below';
}

const RULES: readonly AlertRule[] = [
  { name: 'outbox_depth', threshold: (c) => c.outboxDepth, unit: 'messages', direction: 'above' },
  { name: 'outbox_oldest_pending', threshold: (c) => c.oldestPendingSeconds, unit: 'seconds', direction: 'above' },
  { name: 'partner_disconnected', threshold: (c) => c.partnerDisconnectedSeconds, unit: 'seconds', direction: 'above' },
  { name: 'parked_messages', threshold: (c) => c.parkedMessages, unit: 'messages', direction: 'above' },
  { name: 'webhook_failures', threshold: (c) => c.webhookFailures, unit: 'deliveries', direction: 'above' },
  { name: 'certificate_expiry', threshold: (c) => c.certificateExpiryDays, unit: 'days', direction: 'below' },
];

/** One alert as the API and the console show it. */
export interface AlertView {
  readonly name: AlertName;
  readonly active: boolean;
  /** The value measured at the last evaluation; `null` when nothing could be measured (no certificate). */
  readonly value: number | null;
  readonly threshold: number;
  readonly unit: AlertRule['unit'];
  readonly direction: AlertRule['direction'];
  /** When the alert was last raised or cleared. */
  readonly since: string | null;
  readonly episode: number;
  readonly detail: string | null;
}

export interface AlertMonitorOptions {
  config: GatewayConfig;
  store: Store;
  /** Whether the MLLP client holds a connection to the (default) partner now. */
  partnerConnected: () => boolean;
  /**
   * With several partners: each partner's name and whether its client holds a connection; the alert
   * reports the partner disconnected longest. Absent: the one partner of `partnerConnected`.
   */
  partnersConnected?: () => readonly { name: string; connected: boolean }[];
  metrics: GatewayMetrics;
  logger: Logger;
  /** Queues the webhooks of an event in the caller's transaction. */
  enqueueEvent: (tx: StoreTransaction, event: GatewayEvent) => Promise<void>;
  /** Called after commit with the events raised, for in-process listeners. */
  emitted: (events: GatewayEvent[]) => void;
  /** Epoch milliseconds; tests step it. */
  now?: () => number;
}

interface Measure {
  value: number | null;
  detail?: string;
}

/**
 * Evaluates the alerts and announces each episode once: `alert.raised` when a value crosses its
 * threshold, `alert.cleared` when it is back on the right side of it, nothing while it stays where it
 * is. The state is kept in the store and changed by compare-and-set, in the transaction that queues the
 * webhooks: a restart does not raise an active alert again, and instances sharing a PostgreSQL
 * database announce an episode once between them.
 */
export class AlertMonitor {
  readonly #o: AlertMonitorOptions;
  readonly #now: () => number;
  /** By partner name: since when it is disconnected, and whether it ever was connected. */
  readonly #links = new Map<string, { disconnectedSince: number | undefined; everConnected: boolean }>();
  #last = new Map<AlertName, Measure>();
  #states = new Map<string, AlertStateRecord>();
  #running: Promise<GatewayEvent[]> = Promise.resolve([]);
  #timer: NodeJS.Timeout | undefined;

  constructor(options: AlertMonitorOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get #config(): AlertsConfig {
    return this.#o.config.alerts;
  }

  /** Evaluates every `intervalMs` until {@link stop}. */
  start(): void {
    this.#timer = setInterval(() => void this.evaluate().catch(() => undefined), this.#config.intervalMs).unref();
    void this.evaluate().catch(() => undefined);
  }

  stop(): Promise<unknown> {
    if (this.#timer) clearInterval(this.#timer);
    return this.#running.catch(() => undefined);
  }

  /** One evaluation round (rounds never overlap); returns the events it raised. */
  evaluate(): Promise<GatewayEvent[]> {
    const round = this.#running.catch(() => []).then(() => this.#round());
    this.#running = round;
    return round;
  }

  /** Every enabled alert with its state and last measure. */
  current(): AlertView[] {
    return RULES.filter((r) => r.threshold(this.#config) > 0).map((r) => {
      const stored = this.#states.get(r.name);
      const measure = this.#last.get(r.name);
      return {
        name: r.name,
        active: stored?.active ?? false,
        value: measure?.value ?? null,
        threshold: r.threshold(this.#config),
        unit: r.unit,
        direction: r.direction,
        since: stored ? stored.since.toISOString() : null,
        episode: stored?.episode ?? 0,
        detail: (stored?.active ? stored.detail : measure?.detail) ?? null,
      };
    });
  }

  async #round(): Promise<GatewayEvent[]> {
    const { store, metrics, logger } = this.#o;
    const events: GatewayEvent[] = [];
    try {
      this.#states = new Map((await store.alertStates()).map((s) => [s.name, s]));
      const measures = await this.#measure();
      this.#last = measures;
      for (const rule of RULES) {
        const threshold = rule.threshold(this.#config);
        const m = measures.get(rule.name);
        if (threshold <= 0 || m === undefined || m.value === null) continue;
        metrics.alertValue.set({ alert: rule.name }, m.value);
        metrics.alertThreshold.set({ alert: rule.name }, threshold);
        const breached = rule.direction === 'above' ? m.value >= threshold : m.value <= threshold;
        const known = this.#states.get(rule.name);
        // Nothing to write while the stored state already says so (the common case: no transaction).
        if (known && known.active === breached) continue;
        if (!known && !breached) continue;
        const event = await store.transaction(async (tx) => {
          const changed = await tx.setAlertState({
            name: rule.name,
            active: breached,
            value: m.value ?? 0,
            threshold,
            ...(m.detail ? { detail: m.detail } : {}),
          });
          if (!changed) return undefined;
          const e: GatewayEvent = {
            type: breached ? 'alert.raised' : 'alert.cleared',
            at: changed.since.toISOString(),
            data: { alert: rule.name, value: m.value, threshold, unit: rule.unit, episode: changed.episode, detail: m.detail ?? null },
          };
          await this.#o.enqueueEvent(tx, e);
          return e;
        });
        if (event) {
          events.push(event);
          logger.warn({ alert: rule.name, value: m.value, threshold, unit: rule.unit }, breached ? 'alert raised' : 'alert cleared');
        }
      }
      this.#states = new Map((await store.alertStates()).map((s) => [s.name, s]));
      for (const rule of RULES) metrics.alertActive.set({ alert: rule.name }, this.#states.get(rule.name)?.active ? 1 : 0);
    } catch (e) {
      logger.warn({ err: e }, 'could not evaluate the alerts');
    }
    if (events.length) this.#o.emitted(events);
    return events;
  }

  async #measure(): Promise<Map<AlertName, Measure>> {
    const { store } = this.#o;
    const now = this.#now();
    const [depths, webhooks, certificate] = await Promise.all([store.outboxDepth(), store.webhookDepth(), this.#certificateDays(now)]);
    const undelivered = depths.reduce((s, d) => s + d.pending + d.inFlight + d.parked, 0);
    const oldest = depths.reduce<number | null>((min, d) => {
      const t = d.oldestPendingAt?.getTime();
      return t === undefined ? min : min === null ? t : Math.min(min, t);
    }, null);
    const measures = new Map<AlertName, Measure>([
      ['outbox_depth', { value: undelivered }],
      ['outbox_oldest_pending', { value: oldest === null ? 0 : Math.max(0, Math.floor((now - oldest) / 1000)) }],
      ['parked_messages', { value: depths.reduce((s, d) => s + d.parked, 0) }],
      ['webhook_failures', { value: webhooks.failing }],
      ['partner_disconnected', this.#partnerDisconnected(now, depths)],
      ['certificate_expiry', certificate],
    ]);
    return measures;
  }

  /** The longest time a partner has been disconnected while it had something to send (or after it was connected). */
  #partnerDisconnected(now: number, depths: readonly { partner: string; pending: number; inFlight: number }[]): Measure {
    const { config } = this.#o;
    const partners = this.#o.partnersConnected?.() ?? [{ name: config.partner.name, connected: this.#o.partnerConnected() }];
    let worst: Measure = { value: 0 };
    for (const p of partners) {
      const d = depths.find((x) => x.partner === p.name);
      const seconds = this.#disconnectedSeconds(p.name, p.connected, now, (d?.pending ?? 0) + (d?.inFlight ?? 0) > 0);
      if (seconds > (worst.value ?? 0)) worst = { value: seconds, ...(partners.length > 1 ? { detail: `partner ${p.name}` } : {}) };
    }
    for (const name of this.#links.keys()) if (!partners.some((p) => p.name === name)) this.#links.delete(name);
    return worst;
  }

  #disconnectedSeconds(name: string, connected: boolean, now: number, somethingToSend: boolean): number {
    let link = this.#links.get(name);
    if (!link) {
      link = { disconnectedSince: undefined, everConnected: false };
      this.#links.set(name, link);
    }
    if (connected) {
      link.everConnected = true;
      link.disconnectedSince = undefined;
      return 0;
    }
    if (!somethingToSend && !link.everConnected) {
      link.disconnectedSince = undefined;
      return 0;
    }
    link.disconnectedSince ??= now;
    return Math.floor((now - link.disconnectedSince) / 1000);
  }

  /** Days before the first of the TLS certificates expires, read from the files at each round (rotation is seen). */
  async #certificateDays(now: number): Promise<Measure> {
    const { config } = this.#o;
    const files = [
      ['mllp.tls.cert', config.mllp.tls?.cert],
      ...(config.partners ?? []).map((p) => [`partners.${p.name}.tls.cert`, p.tls?.cert]),
      ...(config.partners ? [] : [['partner.tls.cert', config.partner.tls?.cert]]),
    ].filter((f): f is [string, string] => typeof f[1] === 'string' && f[1] !== '');
    let first: Measure = { value: null };
    for (const [key, path] of files) {
      let days: number;
      let detail: string;
      try {
        const certificate = new X509Certificate(await readFile(path));
        days = Math.floor((Date.parse(certificate.validTo) - now) / 86_400_000);
        detail = `${key} (${path}) expires ${new Date(certificate.validTo).toISOString()}`;
      } catch (e) {
        days = 0;
        detail = `${key} (${path}) cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
      }
      if (first.value === null || days < first.value) first = { value: days, detail };
    }
    return first;
  }
}

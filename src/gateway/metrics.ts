import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MllpServer } from '../mllp/index.js';

/**
 * Distinct `peer` label values kept before further peers are counted as `other`: a scan from many
 * addresses must not grow the registry without bound.
 */
export const MAX_PEER_LABELS = 100;

/**
 * Prometheus metrics of one gateway instance (own registry, so two instances in one process — the
 * demo, the tests — never mix their figures). Labels carry message types and outcomes, never
 * identifiers or patient data.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly messagesIn: Counter<'type' | 'outcome' | 'partner'>;
  readonly messagesOut: Counter<'type' | 'outcome' | 'partner'>;
  readonly messagesRejected: Counter<'type' | 'reason' | 'partner'>;
  readonly outboxDepth: Gauge<'partner'>;
  readonly outboxOldestPending: Gauge<'partner'>;
  readonly deliveryLatency: Histogram<'type'>;
  readonly commitGroupMessages: Histogram;
  readonly webhookDeliveries: Counter<'event' | 'outcome'>;
  readonly partnerConnected: Gauge<'partner'>;
  readonly leasesLost: Counter<'queue'>;
  readonly mllpConnectionsRefused: Counter<'reason'>;
  readonly mllpConnectionsEvicted: Counter<'reason'>;
  readonly mllpConnectionTimeouts: Counter<'kind'>;
  readonly mllpUnframedBytes: Counter<'peer'>;
  readonly mllpUnframedEvents: Counter<'peer'>;
  readonly mllpConnectionsActive: Gauge;
  readonly alertActive: Gauge<'alert'>;
  readonly alertValue: Gauge<'alert'>;
  readonly alertThreshold: Gauge<'alert'>;
  readonly #peerLabels = new Set<string>();
  #server: MllpServer | undefined;

  constructor(role: string) {
    this.registry.setDefaultLabels({ role });
    collectDefaultMetrics({ register: this.registry, prefix: 'cisis_tlr_process_' });
    this.messagesIn = new Counter({
      name: 'cisis_tlr_messages_in_total',
      help: 'Messages received over MLLP, by message type, acknowledgement code and partner',
      labelNames: ['type', 'outcome', 'partner'],
      registers: [this.registry],
    });
    this.messagesRejected = new Counter({
      name: 'cisis_tlr_messages_rejected_total',
      help: 'Inbound messages the gateway refused for a reason of its own (e.g. control_id_reused, partner_identity), by message type',
      labelNames: ['type', 'reason', 'partner'],
      registers: [this.registry],
    });
    this.messagesOut = new Counter({
      name: 'cisis_tlr_messages_out_total',
      help: 'Delivery attempts of outbound messages, by message type, outcome and partner',
      labelNames: ['type', 'outcome', 'partner'],
      registers: [this.registry],
    });
    this.outboxDepth = new Gauge({
      name: 'cisis_tlr_outbox_depth',
      help: 'Outbound messages waiting for delivery (pending, in flight or parked)',
      labelNames: ['partner'],
      registers: [this.registry],
    });
    this.outboxOldestPending = new Gauge({
      name: 'cisis_tlr_outbox_oldest_pending_seconds',
      help: 'Age of the oldest outbound message waiting for delivery, by partner (0: none waiting)',
      labelNames: ['partner'],
      registers: [this.registry],
    });
    this.deliveryLatency = new Histogram({
      name: 'cisis_tlr_delivery_latency_seconds',
      help: 'Time from enqueue to acknowledgement AA of outbound messages',
      labelNames: ['type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [this.registry],
    });
    this.commitGroupMessages = new Histogram({
      name: 'cisis_tlr_store_commit_group_messages',
      help: 'Inbound messages committed together in one transaction (group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers: [this.registry],
    });
    this.webhookDeliveries = new Counter({
      name: 'cisis_tlr_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by event type and outcome',
      labelNames: ['event', 'outcome'],
      registers: [this.registry],
    });
    this.partnerConnected = new Gauge({
      name: 'cisis_tlr_partner_connected',
      help: '1 when the last delivery attempt to the partner reached it',
      labelNames: ['partner'],
      registers: [this.registry],
    });
    this.leasesLost = new Counter({
      name: 'cisis_tlr_leases_lost_total',
      help: 'Delivery outcomes not recorded because another worker had taken the item over (lease expired or released)',
      labelNames: ['queue'],
      registers: [this.registry],
    });
    this.mllpConnectionsRefused = new Counter({
      name: 'cisis_tlr_mllp_connections_refused_total',
      help:
        'MLLP connections closed on accept, by reason (not-allowed, closing, max-connections, ' +
        'max-connections-per-peer: every connection busy)',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.mllpConnectionsEvicted = new Counter({
      name: 'cisis_tlr_mllp_connections_evicted_total',
      help: 'Idle MLLP connections closed to admit a new one, by the limit reached',
      labelNames: ['reason'],
      registers: [this.registry],
    });
    this.mllpConnectionTimeouts = new Counter({
      name: 'cisis_tlr_mllp_connection_timeouts_total',
      help: 'MLLP connections closed by a timeout: idle, or frame (a started frame not finished in time)',
      labelNames: ['kind'],
      registers: [this.registry],
    });
    this.mllpUnframedBytes = new Counter({
      name: 'cisis_tlr_mllp_unframed_bytes_total',
      help: 'Bytes received over MLLP that never formed a frame (outside frames, abandoned or unterminated frames), by peer address',
      labelNames: ['peer'],
      registers: [this.registry],
    });
    this.mllpUnframedEvents = new Counter({
      name: 'cisis_tlr_mllp_unframed_events_total',
      help: 'Runs of unframed bytes received over MLLP, by peer address',
      labelNames: ['peer'],
      registers: [this.registry],
    });
    this.alertActive = new Gauge({
      name: 'cisis_tlr_alert_active',
      help:
        '1 while an operational alert is raised ' +
        '(outbox_depth, outbox_oldest_pending, partner_disconnected, parked_messages, webhook_failures, certificate_expiry)',
      labelNames: ['alert'],
      registers: [this.registry],
    });
    this.alertValue = new Gauge({
      name: 'cisis_tlr_alert_value',
      help: 'What each enabled alert measured at its last evaluation (messages, seconds, deliveries or days)',
      labelNames: ['alert'],
      registers: [this.registry],
    });
    this.alertThreshold = new Gauge({
      name: 'cisis_tlr_alert_threshold',
      help: 'The configured threshold of each enabled alert, in the unit of its value',
      labelNames: ['alert'],
      registers: [this.registry],
    });
    const metrics = this;
    this.mllpConnectionsActive = new Gauge({
      name: 'cisis_tlr_mllp_connections_active',
      help: 'Open MLLP connections of the listener',
      registers: [this.registry],
      collect() {
        if (metrics.#server) this.set(metrics.#server.metrics.connectionsActive);
      },
    });
  }

  /** Counts the refusals, evictions, timeouts and unframed bytes of the MLLP listener. */
  observeMllpServer(server: MllpServer): void {
    this.#server = server;
    server.on('connectionRefused', ({ reason }) => this.mllpConnectionsRefused.inc({ reason }));
    server.on('connectionEvicted', (_context, reason) => this.mllpConnectionsEvicted.inc({ reason }));
    server.on('connectionTimedOut', (_context, kind) => this.mllpConnectionTimeouts.inc({ kind }));
    server.on('bytesSkipped', (context, count) => {
      const peer = this.#peerLabel(context.peerAddress ?? 'unknown');
      this.mllpUnframedBytes.inc({ peer }, count);
      this.mllpUnframedEvents.inc({ peer });
    });
  }

  #peerLabel(address: string): string {
    if (this.#peerLabels.has(address)) return address;
    if (this.#peerLabels.size >= MAX_PEER_LABELS) return 'other';
    this.#peerLabels.add(address);
    return address;
  }
}

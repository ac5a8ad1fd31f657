import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one gateway instance (own registry, so two instances in one process — the
 * demo, the tests — never mix their figures). Labels carry message types and outcomes, never
 * identifiers or patient data.
 */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly messagesIn: Counter<'type' | 'outcome'>;
  readonly messagesOut: Counter<'type' | 'outcome'>;
  readonly messagesRejected: Counter<'type' | 'reason'>;
  readonly outboxDepth: Gauge<'partner'>;
  readonly deliveryLatency: Histogram<'type'>;
  readonly webhookDeliveries: Counter<'event' | 'outcome'>;
  readonly partnerConnected: Gauge<'partner'>;
  readonly leasesLost: Counter<'queue'>;

  constructor(role: string) {
    this.registry.setDefaultLabels({ role });
    collectDefaultMetrics({ register: this.registry, prefix: 'cisis_tlr_process_' });
    this.messagesIn = new Counter({
      name: 'cisis_tlr_messages_in_total', help: 'Messages received over MLLP, by message type and acknowledgement code',
      labelNames: ['type', 'outcome'], registers: [this.registry],
    });
    this.messagesRejected = new Counter({
      name: 'cisis_tlr_messages_rejected_total', help: 'Inbound messages the gateway refused for a reason of its own (e.g. control_id_reused), by message type',
      labelNames: ['type', 'reason'], registers: [this.registry],
    });
    this.messagesOut = new Counter({
      name: 'cisis_tlr_messages_out_total', help: 'Delivery attempts of outbound messages, by message type and outcome',
      labelNames: ['type', 'outcome'], registers: [this.registry],
    });
    this.outboxDepth = new Gauge({
      name: 'cisis_tlr_outbox_depth', help: 'Outbound messages waiting for delivery (pending, in flight or parked)',
      labelNames: ['partner'], registers: [this.registry],
    });
    this.deliveryLatency = new Histogram({
      name: 'cisis_tlr_delivery_latency_seconds', help: 'Time from enqueue to acknowledgement AA of outbound messages',
      labelNames: ['type'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300], registers: [this.registry],
    });
    this.webhookDeliveries = new Counter({
      name: 'cisis_tlr_webhook_deliveries_total', help: 'Webhook delivery attempts, by event type and outcome',
      labelNames: ['event', 'outcome'], registers: [this.registry],
    });
    this.partnerConnected = new Gauge({
      name: 'cisis_tlr_partner_connected', help: '1 when the last delivery attempt to the partner reached it',
      labelNames: ['partner'], registers: [this.registry],
    });
    this.leasesLost = new Counter({
      name: 'cisis_tlr_leases_lost_total', help: 'Delivery outcomes not recorded because another worker had taken the item over (lease expired or released)',
      labelNames: ['queue'], registers: [this.registry],
    });
  }
}

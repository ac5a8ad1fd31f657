import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MllpClient, MllpSendResult } from '../mllp/index.js';
import type { OutboxClaim, Store } from '../store/index.js';
import type { GatewayMetrics } from './metrics.js';
import { WakeableLoop } from './wakeable-loop.js';

export interface OutboundDispatcherOptions {
  store: Store;
  partner: string;
  client: MllpClient;
  metrics: GatewayMetrics;
  logger: Logger;
  ackTimeoutMs: number;
  pollMs?: number;
  /** Identity of this process (unique per process): the name its leases are taken under. */
  workerId?: string;
  /** Called after an AA (inside no transaction), e.g. to count deliveries. */
  onDelivered?: (claim: OutboxClaim, result: MllpSendResult) => Promise<void> | void;
  /**
   * Called when a message is parked, e.g. to emit the `message.parked` webhook: `refused` after an AE
   * (the partner found it wrong), `attempts_exhausted` after `outbox.maxAttempts` failed attempts.
   */
  onParked?: (claim: OutboxClaim, reason: string, errors: unknown, cause: 'refused' | 'attempts_exhausted') => Promise<void> | void;
}

/**
 * Delivers the partner's outbox over MLLP, one message at a time in outbox order (the store only
 * hands out a message once every earlier message of the same order is delivered).
 *
 * Outcome mapping (ack.md §4): AA → delivered; AR, timeout or lost connection → retried with
 * exponential backoff and the same MSH-10, so a receiver that did process it answers from its
 * duplicate check; AE (or any other code) → parked with the ERR details until an operator retries.
 */
export class OutboundDispatcher {
  readonly #o: OutboundDispatcherOptions;
  readonly #workerId: string;

  /** The name under which this dispatcher leases items. */
  get workerId(): string {
    return this.#workerId;
  }
  readonly #loop: WakeableLoop;

  constructor(options: OutboundDispatcherOptions) {
    this.#o = options;
    this.#workerId = options.workerId ? `out-${options.workerId}` : `out-${randomUUID().slice(0, 8)}`;
    this.#loop = new WakeableLoop(() => this.#deliverOne(), options.pollMs ?? 500, (e) => options.logger.error({ err: e }, 'outbox dispatcher step failed'));
  }

  start(): void { this.#loop.start(); }
  wake(): void { this.#loop.wake(); }
  stop(): Promise<void> { return this.#loop.stop(); }

  /** Sends once; an idle client (never connected, or reconnection disabled) gets one connection attempt first. */
  async #send(claim: OutboxClaim): Promise<MllpSendResult> {
    const { client } = this.#o;
    try {
      return await client.send(Buffer.from(claim.raw), { timeoutMs: this.#o.ackTimeoutMs });
    } catch (e) {
      if ((e as { code?: string }).code !== 'TLR_ERR_MLLP_NOT_CONNECTED' || client.connected) throw e;
      await client.connect();
      return client.send(Buffer.from(claim.raw), { timeoutMs: this.#o.ackTimeoutMs });
    }
  }

  async #deliverOne(): Promise<boolean> {
    const { store, partner, metrics, logger } = this.#o;
    // The lease outlives the ACK timeout by a margin, so a slow ACK never lets another worker resend.
    const claim = await store.claimNext(partner, this.#workerId, this.#o.ackTimeoutMs * 2 + 5_000);
    if (!claim) return false;
    const type = messageTypeOf(claim.raw);
    let result: MllpSendResult;
    try {
      result = await this.#send(claim);
    } catch (e) {
      const reason = (e as { code?: string }).code ?? (e as Error).message;
      metrics.messagesOut.inc({ type, outcome: 'no_ack' });
      metrics.partnerConnected.set({ partner }, reason === 'TLR_ERR_MLLP_ACK_TIMEOUT' ? 1 : 0);
      const outcome = await store.markFailed(claim.id, { reason, retryable: true }, claim.leaseToken);
      if (outcome.state === 'lease_lost') {
        this.#leaseLost(claim, outcome.heldBy);
      } else if (outcome.state === 'parked') {
        logger.warn({ outboxId: claim.id, controlId: claim.controlId, attempts: outcome.attempts, reason }, 'delivery parked: attempts exhausted');
        await this.#o.onParked?.(claim, `${reason} (${outcome.attempts} attempts)`, [], 'attempts_exhausted');
      } else {
        logger.warn({ outboxId: claim.id, controlId: claim.controlId, attempt: claim.attempt, reason, next: outcome.nextAttemptAt }, 'delivery failed, will retry');
      }
      return true;
    }
    metrics.partnerConnected.set({ partner }, 1);
    const ack = { raw: result.ack, code: result.code as 'AA' | 'AE' | 'AR', controlId: result.ackMessage.header.controlId };
    if (result.code === 'AA') {
      if ((await store.markDelivered(claim.id, ack, claim.leaseToken)) === 'lease_lost') {
        this.#leaseLost(claim, null);
        return true;
      }
      metrics.messagesOut.inc({ type, outcome: 'AA' });
      const item = await store.getOutboxItem(claim.id);
      if (item) metrics.deliveryLatency.observe({ type }, (Date.now() - item.createdAt.getTime()) / 1000);
      logger.info({ outboxId: claim.id, controlId: claim.controlId, durationMs: result.durationMs }, 'delivered');
      await this.#o.onDelivered?.(claim, result);
      return true;
    }
    const details = result.errors.map((e) => ({ condition: e.condition, severity: e.severity, location: e.location, message: e.message, rule: e.applicationCode }));
    const reason = `${result.code} ${result.errors.map((e) => `${e.condition}${e.message ? ` ${e.message}` : ''}`).join('; ')}`.trim();
    metrics.messagesOut.inc({ type, outcome: result.code });
    const outcome = await store.markFailed(claim.id, { reason, retryable: result.code === 'AR', ack, errorDetails: details }, claim.leaseToken);
    if (outcome.state === 'lease_lost') {
      this.#leaseLost(claim, outcome.heldBy);
    } else if (outcome.state === 'parked') {
      const cause = result.code === 'AR' ? 'attempts_exhausted' : 'refused';
      logger.warn({ outboxId: claim.id, controlId: claim.controlId, code: result.code, attempts: outcome.attempts }, cause === 'refused' ? 'delivery parked: the partner refused the message' : 'delivery parked: attempts exhausted');
      await this.#o.onParked?.(claim, reason, details, cause);
    } else {
      logger.warn({ outboxId: claim.id, controlId: claim.controlId, code: result.code, next: outcome.nextAttemptAt }, 'partner answered AR, will retry');
    }
    return true;
  }

  /**
   * The lease of this attempt was taken over (it outlived its lease, or was released as a dead
   * worker's) and another worker now owns the item: our outcome is not recorded, theirs will be.
   */
  #leaseLost(claim: OutboxClaim, heldBy: string | null): void {
    this.#o.metrics.leasesLost.inc({ queue: 'outbox' });
    this.#o.logger.warn({ outboxId: claim.id, controlId: claim.controlId, attempt: claim.attempt, heldBy }, 'lease taken over by another worker: outcome of this attempt not recorded');
  }
}

/** `ORM^O01` from the MSH of raw bytes, for metric labels (no patient data). */
export function messageTypeOf(raw: Uint8Array): string {
  const head = Buffer.from(raw.subarray(0, 512)).toString('latin1');
  const fields = head.split(/[\r\n]/)[0]!.split('|');
  const type = fields[8] ?? '';
  return type.split('^').slice(0, 2).join('^') || 'unknown';
}

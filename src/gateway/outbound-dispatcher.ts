import type { Logger } from 'pino';
import type { MllpClient, MllpSendResult } from '../mllp/index.js';
import type { BackoffPolicy, FailureOutcome, OutboxClaim, Store } from '../store/index.js';
import { LeasingWorker } from './leasing-worker.js';
import type { GatewayMetrics } from './metrics.js';

export interface OutboundDispatcherOptions {
  store: Store;
  partner: string;
  client: MllpClient;
  metrics: GatewayMetrics;
  logger: Logger;
  ackTimeoutMs: number;
  /** The partner's retry policy, over the store's. */
  backoff?: Partial<BackoffPolicy>;
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
 * Timed-out deliveries remembered for their late acknowledgement. The client remembers as many per
 * connection; beyond that the oldest is forgotten and, if its ACK still comes, the retry re-sends
 * it (the receiver answers from its duplicate check).
 */
const MAX_AWAITED_LATE = 1024;

/** A delivery whose ACK timed out and whose retry is scheduled (or running). */
interface AwaitedLate {
  readonly claim: OutboxClaim;
  readonly type: string;
  /** The `markFailed` of the timed-out attempt: the late ACK is applied after it. */
  readonly failed: Promise<FailureOutcome | undefined>;
}

/**
 * Delivers the partner's outbox over MLLP, one message at a time in outbox order (the store only
 * hands out a message once every earlier message of the same order is delivered).
 *
 * Outcome mapping (ack.md §4): AA → delivered; AR, timeout or lost connection → retried with
 * exponential backoff and the same MSH-10, so a receiver that did process it answers from its
 * duplicate check; AE (or any other code) → parked with the ERR details until an operator retries.
 *
 * Late acknowledgements. An AA that arrives after the timeout (the client reports it as `lateAck`)
 * settles the item as delivered: `markDelivered` accepts an item that is pending again, so the
 * scheduled retry simply never happens, and at-least-once is kept since the partner did commit
 * the message. If the retry is already running, its outcome is ignored for that item (its ACK, if
 * any, comes from the partner's duplicate check). A late AE or AR is only logged: the retry gets
 * the same answer from the partner's duplicate check and is handled as usual.
 */
export class OutboundDispatcher {
  readonly #o: OutboundDispatcherOptions;
  readonly #worker: LeasingWorker<OutboxClaim>;

  /** The name under which this dispatcher leases items. */
  get workerId(): string {
    return this.#worker.workerId;
  }
  /** Timed-out deliveries by control id, oldest first. */
  readonly #awaitedLate = new Map<string, AwaitedLate>();
  /** Outbox ids settled by a late ACK while a retry of theirs may be running. */
  readonly #settledLate = new Set<number>();
  readonly #onLateAck = (result: MllpSendResult): void => {
    this.#settleLate(result).catch((e: unknown) =>
      this.#o.logger.error({ err: e, controlId: result.controlId }, 'late acknowledgement could not be recorded'),
    );
  };

  constructor(options: OutboundDispatcherOptions) {
    this.#o = options;
    this.#worker = new LeasingWorker<OutboxClaim>({
      queue: 'outbox',
      name: 'outbox dispatcher',
      idPrefix: 'out',
      ...(options.workerId ? { workerId: options.workerId } : {}),
      attemptTimeoutMs: options.ackTimeoutMs,
      pollMs: options.pollMs ?? 500,
      metrics: options.metrics,
      logger: options.logger,
      lease: (workerId, leaseMs) => options.store.claimNext(options.partner, workerId, leaseMs),
      process: (claim) => this.#deliver(claim),
    });
  }

  start(): void {
    this.#o.client.on('lateAck', this.#onLateAck);
    this.#worker.start();
  }
  wake(): void {
    this.#worker.wake();
  }
  stop(): Promise<void> {
    this.#o.client.off('lateAck', this.#onLateAck);
    return this.#worker.stop();
  }

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

  /** One delivery attempt of a leased item, and its outcome. */
  async #deliver(claim: OutboxClaim): Promise<void> {
    const { store, partner, metrics, logger } = this.#o;
    const type = messageTypeOf(claim.raw);
    let result: MllpSendResult;
    try {
      result = await this.#send(claim);
    } catch (e) {
      const reason = (e as { code?: string }).code ?? (e as Error).message;
      metrics.messagesOut.inc({ type, outcome: 'no_ack', partner });
      metrics.partnerConnected.set({ partner }, reason === 'TLR_ERR_MLLP_ACK_TIMEOUT' ? 1 : 0);
      if (this.#wasSettledLate(claim)) return;
      const failing = this.#markFailed(claim, { reason, retryable: true });
      const timedOutId = (e as { controlId?: unknown }).controlId;
      if (reason === 'TLR_ERR_MLLP_ACK_TIMEOUT' && typeof timedOutId === 'string')
        this.#awaitLate(timedOutId, { claim, type, failed: failing });
      const outcome = await failing;
      if (!outcome) return;
      if (outcome.state === 'lease_lost') {
        this.#leaseLost(claim, outcome.heldBy);
      } else if (outcome.state === 'parked') {
        logger.warn(
          { outboxId: claim.id, controlId: claim.controlId, attempts: outcome.attempts, reason },
          'delivery parked: attempts exhausted',
        );
        await this.#o.onParked?.(claim, `${reason} (${outcome.attempts} attempts)`, [], 'attempts_exhausted');
      } else {
        logger.warn(
          { outboxId: claim.id, controlId: claim.controlId, attempt: claim.attempt, reason, next: outcome.nextAttemptAt },
          'delivery failed, will retry',
        );
      }
      return;
    }
    metrics.partnerConnected.set({ partner }, 1);
    if (this.#wasSettledLate(claim)) return;
    this.#awaitedLate.delete(result.controlId);
    const ack = { raw: result.ack, code: result.code as 'AA' | 'AE' | 'AR', controlId: result.ackMessage.header.controlId };
    if (result.code === 'AA') {
      if ((await store.markDelivered(claim.id, ack, claim.leaseToken)) === 'lease_lost') {
        this.#leaseLost(claim, null);
        return;
      }
      metrics.messagesOut.inc({ type, outcome: 'AA', partner });
      const item = await store.getOutboxItem(claim.id);
      if (item) metrics.deliveryLatency.observe({ type }, (Date.now() - item.createdAt.getTime()) / 1000);
      logger.info({ outboxId: claim.id, controlId: claim.controlId, durationMs: result.durationMs }, 'delivered');
      await this.#o.onDelivered?.(claim, result);
      return;
    }
    const details = result.errors.map((e) => ({
      condition: e.condition,
      severity: e.severity,
      location: e.location,
      message: e.message,
      rule: e.applicationCode,
    }));
    const reason = `${result.code} ${result.errors.map((e) => `${e.condition}${e.message ? ` ${e.message}` : ''}`).join('; ')}`.trim();
    metrics.messagesOut.inc({ type, outcome: result.code, partner });
    const outcome = await this.#markFailed(claim, { reason, retryable: result.code === 'AR', ack, errorDetails: details });
    if (!outcome) return;
    if (outcome.state === 'lease_lost') {
      this.#leaseLost(claim, outcome.heldBy);
    } else if (outcome.state === 'parked') {
      const cause = result.code === 'AR' ? 'attempts_exhausted' : 'refused';
      logger.warn(
        { outboxId: claim.id, controlId: claim.controlId, code: result.code, attempts: outcome.attempts },
        cause === 'refused' ? 'delivery parked: the partner refused the message' : 'delivery parked: attempts exhausted',
      );
      await this.#o.onParked?.(claim, reason, details, cause);
    } else {
      logger.warn(
        { outboxId: claim.id, controlId: claim.controlId, code: result.code, next: outcome.nextAttemptAt },
        'partner answered AR, will retry',
      );
    }
  }

  /** The lease of this attempt was taken over: see {@link LeasingWorker.leaseLost}. */
  #leaseLost(claim: OutboxClaim, heldBy: string | null): void {
    this.#worker.leaseLost({ outboxId: claim.id, controlId: claim.controlId, attempt: claim.attempt, heldBy });
  }

  /**
   * `markFailed`, except for an item a late ACK settled meanwhile (the store refuses to fail a
   * delivered item): then `undefined`.
   */
  async #markFailed(claim: OutboxClaim, failure: Parameters<Store['markFailed']>[1]): Promise<FailureOutcome | undefined> {
    try {
      const backoff = this.#o.backoff;
      return await this.#o.store.markFailed(claim.id, backoff ? { ...failure, backoff } : failure, claim.leaseToken);
    } catch (e) {
      if (this.#wasSettledLate(claim)) return undefined;
      throw e;
    }
  }

  /** Whether a late ACK delivered this item while this attempt ran; consumes the mark. */
  #wasSettledLate(claim: OutboxClaim): boolean {
    if (!this.#settledLate.delete(claim.id)) return false;
    this.#o.logger.info(
      { outboxId: claim.id, controlId: claim.controlId },
      'retry outcome ignored: a late acknowledgement already delivered the message',
    );
    return true;
  }

  #awaitLate(controlId: string, awaited: AwaitedLate): void {
    this.#awaitedLate.delete(controlId);
    this.#awaitedLate.set(controlId, awaited);
    for (const oldest of this.#awaitedLate.keys()) {
      if (this.#awaitedLate.size <= MAX_AWAITED_LATE) break;
      this.#awaitedLate.delete(oldest);
    }
  }

  /** Applies the late ACK of a timed-out delivery (see the class comment). */
  async #settleLate(result: MllpSendResult): Promise<void> {
    const { store, partner, metrics, logger } = this.#o;
    const awaited = this.#awaitedLate.get(result.controlId);
    if (!awaited) {
      logger.info(
        { controlId: result.controlId, code: result.code },
        'late acknowledgement of a message this dispatcher no longer awaits; ignored',
      );
      return;
    }
    this.#awaitedLate.delete(result.controlId);
    const { claim, type } = awaited;
    metrics.partnerConnected.set({ partner }, 1);
    if (result.code !== 'AA') {
      logger.warn(
        { outboxId: claim.id, controlId: claim.controlId, code: result.code },
        "late negative acknowledgement; the scheduled retry will get the partner's answer again",
      );
      return;
    }
    await awaited.failed.catch(() => undefined);
    const item = await store.getOutboxItem(claim.id);
    if (!item || (item.state !== 'pending' && item.state !== 'in_flight')) {
      logger.info(
        { outboxId: claim.id, controlId: claim.controlId, state: item?.state },
        'late acknowledgement for an item no longer waiting; ignored',
      );
      return;
    }
    if (item.state === 'in_flight') this.#markSettledLate(claim.id);
    await store.markDelivered(claim.id, { raw: result.ack, code: 'AA', controlId: result.ackMessage.header.controlId });
    metrics.messagesOut.inc({ type, outcome: 'AA', partner });
    metrics.deliveryLatency.observe({ type }, (Date.now() - item.createdAt.getTime()) / 1000);
    logger.info(
      { outboxId: claim.id, controlId: claim.controlId, durationMs: Math.round(result.durationMs) },
      'delivered (late acknowledgement; no resend needed)',
    );
    await this.#o.onDelivered?.(claim, result);
  }

  #markSettledLate(id: number): void {
    this.#settledLate.add(id);
    for (const oldest of this.#settledLate) {
      if (this.#settledLate.size <= MAX_AWAITED_LATE) break;
      this.#settledLate.delete(oldest);
    }
  }
}

/** `ORM^O01` from the MSH of raw bytes, for metric labels (no patient data). */
export function messageTypeOf(raw: Uint8Array): string {
  const head = Buffer.from(raw.subarray(0, 512)).toString('latin1');
  const fields = head.split(/[\r\n]/)[0]!.split('|');
  const type = fields[8] ?? '';
  return type.split('^').slice(0, 2).join('^') || 'unknown';
}

import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { GatewayMetrics } from './metrics.js';

/** What a queue's worker is told: what differs between the outbox and the webhooks. */
export interface LeasingWorkerOptions<C> {
  /** The queue, as the `cisis_tlr_leases_lost_total` metric labels it. */
  queue: 'outbox' | 'webhooks';
  /** Who fails in the log line of a failed step (`outbox dispatcher`). */
  name: string;
  /** Prefix of the name the worker leases under (`out`, `wh`). */
  idPrefix: string;
  /** Identity of this process (unique per process): the worker leases under `<idPrefix>-<workerId>`. */
  workerId?: string;
  /** How long one attempt may take (ACK or HTTP timeout): the lease outlives it by a margin. */
  attemptTimeoutMs: number;
  /** How long the worker sleeps when nothing is due, unless woken. */
  pollMs: number;
  metrics: GatewayMetrics;
  logger: Logger;
  /** Leases the next due item of the queue under `workerId` for `leaseMs`; `null` when none is due. */
  lease: (workerId: string, leaseMs: number) => Promise<C | null>;
  /** Works on one leased item: delivers it and records the outcome, fenced by its lease. */
  process: (claim: C) => Promise<void>;
}

/**
 * The background worker of a leased queue (the partner outbox, the webhooks): it leases the next
 * due item, processes it and goes on until nothing is due, then sleeps until {@link wake} (something
 * was enqueued here) or the poll interval (a retry whose backoff elapsed, work enqueued by another
 * instance). A failing step is logged and the loop goes on; {@link stop} lets the item in progress
 * finish. Failed attempts come back when the store's backoff says.
 *
 * The lease outlives an attempt (twice its timeout, plus 5 s), so that a slow partner never lets
 * another worker send the item again meanwhile; an outcome the store refuses because the lease was
 * taken over anyway (expired, or released as a dead worker's) is reported with {@link leaseLost}.
 */
export class LeasingWorker<C> {
  /** The name this worker leases items under. */
  readonly workerId: string;
  readonly #o: LeasingWorkerOptions<C>;
  readonly #leaseMs: number;
  #running = false;
  #wakeUp: (() => void) | undefined;
  #done: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: LeasingWorkerOptions<C>) {
    this.#o = options;
    this.workerId = `${options.idPrefix}-${options.workerId ?? randomUUID().slice(0, 8)}`;
    this.#leaseMs = options.attemptTimeoutMs * 2 + 5_000;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#done = this.#run();
  }

  /** Looks for due items now (something was just enqueued). */
  wake(): void {
    this.#wakeUp?.();
  }

  /** Stops leasing; resolves once the item in progress, if any, is done. */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#done;
  }

  /**
   * The lease of an attempt was taken over and another worker now owns the item: this attempt's
   * outcome is not recorded, theirs will be.
   */
  leaseLost(details: Record<string, unknown>): void {
    this.#o.metrics.leasesLost.inc({ queue: this.#o.queue });
    this.#o.logger.warn(details, 'lease taken over by another worker: outcome of this attempt not recorded');
  }

  /** Leases and processes one item; `false` when none was due. */
  async #step(): Promise<boolean> {
    const claim = await this.#o.lease(this.workerId, this.#leaseMs);
    if (!claim) return false;
    await this.#o.process(claim);
    return true;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      let didWork = false;
      try {
        didWork = await this.#step();
      } catch (e) {
        this.#o.logger.error({ err: e }, `${this.#o.name} step failed`);
      }
      if (!this.#running) break;
      if (!didWork) {
        await new Promise<void>((resolve) => {
          this.#wakeUp = resolve;
          this.#timer = setTimeout(resolve, this.#o.pollMs);
        });
        clearTimeout(this.#timer);
        this.#wakeUp = undefined;
      }
    }
  }
}

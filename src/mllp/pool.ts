import type { Message } from '../hl7/index.js';
import { MllpClient } from './client.js';
import type { MllpClientMetrics, MllpClientOptions, MllpSendOptions, MllpSendResult } from './client.js';
import { MllpNotConnectedError } from './errors.js';

/** How the pool picks the connection for the next message. */
export type MllpPoolStrategy = 'round-robin' | 'least-busy';

/** Options of `MllpClientPool`: those of each client, plus the pool's. */
export interface MllpClientPoolOptions extends MllpClientOptions {
  /** Number of parallel connections to the partner (default 2). */
  size?: number;
  /** Default `least-busy`: a slow acknowledgement on one connection does not hold messages behind it. */
  strategy?: MllpPoolStrategy;
}

/**
 * N parallel MLLP connections to the same partner. Each connection keeps its own one-in-flight
 * order; the pool spreads messages across them. Use it only for messages whose relative order
 * does not matter (messages about the same order must go through one client, or one after the
 * other), since two connections give no ordering guarantee between them.
 */
export class MllpClientPool {
  readonly clients: readonly MllpClient[];
  readonly strategy: MllpPoolStrategy;
  private next = 0;

  constructor(options: MllpClientPoolOptions) {
    const { size = 2, strategy = 'least-busy', ...clientOptions } = options;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`Pool size must be a positive integer, not ${size}`);
    this.strategy = strategy;
    this.clients = Array.from({ length: size }, () => new MllpClient(clientOptions));
  }

  /** Opens every connection; rejects with the first failure (the others stay open, close() them). */
  async connect(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.connect()));
  }

  /** Sends through the connection chosen by the strategy; see `MllpClient.send`. */
  send(message: Buffer | Message, options: MllpSendOptions = {}): Promise<MllpSendResult> {
    return this.pick().send(message, options);
  }

  /** Messages queued or in flight on all connections. */
  get pendingCount(): number {
    return this.clients.reduce((sum, client) => sum + client.pendingCount, 0);
  }

  /** Counters summed over the connections. */
  get metrics(): MllpClientMetrics {
    const total: MllpClientMetrics = {
      sent: 0,
      acknowledged: 0,
      ackTimeouts: 0,
      unmatchedAcks: 0,
      lateAcks: 0,
      duplicateAcks: 0,
      reconnects: 0,
    };
    for (const client of this.clients) {
      const m = client.metrics;
      total.sent += m.sent;
      total.acknowledged += m.acknowledged;
      total.ackTimeouts += m.ackTimeouts;
      total.unmatchedAcks += m.unmatchedAcks;
      total.lateAcks += m.lateAcks;
      total.duplicateAcks += m.duplicateAcks;
      total.reconnects += m.reconnects;
    }
    return total;
  }

  /** Closes every connection (see `MllpClient.close`). */
  async close(): Promise<void> {
    await Promise.all(this.clients.map((client) => client.close()));
  }

  /**
   * Connected clients are preferred; when none is connected the choice falls back to all of
   * them, so that a reconnecting client queues the message instead of the pool failing at once.
   */
  private pick(): MllpClient {
    const connected = this.clients.filter((client) => client.connected);
    const candidates = connected.length > 0 ? connected : this.clients;
    if (candidates.length === 0) throw new MllpNotConnectedError();
    if (this.strategy === 'round-robin') {
      const client = candidates[this.next % candidates.length]!;
      this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER;
      return client;
    }
    let best = candidates[0]!;
    for (const client of candidates) if (client.pendingCount < best.pendingCount) best = client;
    return best;
  }
}

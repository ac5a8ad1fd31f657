/** Bounds of the exponential reconnection delay of a client. */
export interface ReconnectBackoff {
  /** Delay before the first reconnection attempt, in ms. */
  baseDelayMs: number;
  /** Ceiling of the delay, in ms. */
  maxDelayMs: number;
}

/**
 * Delay before reconnection attempt `attempt` (0-based): `base × 2^attempt`, capped at `max`, then
 * drawn uniformly in its upper half ("equal jitter"). The jitter keeps many clients that lost the
 * same partner at the same moment from reconnecting in lockstep; the lower bound keeps the delay
 * meaningful.
 */
export function reconnectDelay(attempt: number, backoff: ReconnectBackoff, random: () => number = Math.random): number {
  const exponential = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

import type { BackoffPolicy } from './store.js';

/** Defaults: first retry after about 1 s, doubling up to 5 minutes, 20 % jitter, never give up. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, factor: 2, maxMs: 300_000, jitter: 0.2, maxAttempts: Infinity };

/**
 * Delay before the next attempt after `attempt` failed attempts (1-based):
 * `min(maxMs, baseMs * factor^(attempt-1)) * (1 - jitter * random())`.
 *
 * Jitter only shortens the delay, so `maxMs` stays a true upper bound, and a crowd of messages that
 * failed together (partner down) does not retry in lockstep.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = Math.min(policy.maxMs, policy.baseMs * policy.factor ** exponent);
  const jitter = Math.min(1, Math.max(0, policy.jitter));
  return Math.round(raw * (1 - jitter * random()));
}

/** Completes a partial policy with {@link DEFAULT_BACKOFF} and checks it. */
export function resolveBackoff(partial: Partial<BackoffPolicy> | undefined): BackoffPolicy {
  const policy = { ...DEFAULT_BACKOFF, ...partial };
  if (!(policy.baseMs >= 0 && policy.factor >= 1 && policy.maxMs >= policy.baseMs && policy.maxAttempts >= 1)) {
    throw new RangeError(`invalid backoff policy ${JSON.stringify(policy)}`);
  }
  return policy;
}

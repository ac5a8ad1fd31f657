import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { backoffDelay, DEFAULT_BACKOFF, resolveBackoff } from '../../src/store/index.js';

describe('delivery backoff', () => {
  const policy = resolveBackoff({ baseMs: 500, factor: 3, maxMs: 20_000, jitter: 0 });

  it('multiplies the delay by the factor at each failed attempt', () => {
    assert.deepEqual(
      [1, 2, 3, 4].map((a) => backoffDelay(a, policy)),
      [500, 1500, 4500, 13_500],
    );
  });

  it('never waits longer than the maximum delay', () => {
    assert.equal(backoffDelay(5, policy), 20_000);
    assert.equal(backoffDelay(60, policy), 20_000);
  });

  it('only shortens the delay with jitter, by at most the jitter fraction', () => {
    const jittered = { ...policy, jitter: 0.25 };
    assert.equal(
      backoffDelay(3, jittered, () => 0),
      4500,
    );
    assert.equal(
      backoffDelay(3, jittered, () => 0.999999),
      Math.round(4500 * (1 - 0.25 * 0.999999)),
    );
    assert.equal(
      backoffDelay(60, jittered, () => 0.5),
      17_500,
    );
  });

  it('defaults to 1 s doubling up to 5 minutes with 20 % jitter and no attempt limit', () => {
    assert.deepEqual(DEFAULT_BACKOFF, { baseMs: 1000, factor: 2, maxMs: 300_000, jitter: 0.2, maxAttempts: Infinity });
  });

  it('rejects a policy whose maximum is below its base or whose factor shrinks delays', () => {
    assert.throws(() => resolveBackoff({ baseMs: 10_000, maxMs: 1000 }), RangeError);
    assert.throws(() => resolveBackoff({ factor: 0.5 }), RangeError);
  });
});

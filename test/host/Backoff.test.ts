import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/host/Backoff.js';

const policy = { initialMs: 500, maxMs: 10_000, factor: 3, jitter: 0.25 };

describe('Backoff', () => {
  it('grows by the factor and stops at maxMs (no jitter at r = 0.5)', () => {
    const b = new Backoff(policy, () => 0.5);
    expect([b.fail(), b.fail(), b.fail(), b.fail(), b.fail()]).toEqual([500, 1500, 4500, 10_000, 10_000]);
    expect(b.attempts).toBe(5);
    b.reset();
    expect(b.fail()).toBe(500);
  });

  it('jitter stays within ±jitter of the base delay', () => {
    expect(new Backoff(policy, () => 0).delayFor(1)).toBe(1125);
    expect(new Backoff(policy, () => 0.999999).delayFor(1)).toBe(1875);
    let seed = 7;
    const rnd = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const b = new Backoff(policy, rnd);
    for (let n = 0; n < 50; n++) {
      const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** n);
      const d = b.delayFor(n);
      expect(d).toBeGreaterThanOrEqual(Math.floor(base * 0.75));
      expect(d).toBeLessThanOrEqual(Math.ceil(base * 1.25));
    }
  });
});

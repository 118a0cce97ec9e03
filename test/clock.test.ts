import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';

describe('ManualClock', () => {
  it('fires timers in time order and moves wall and monotonic time together', () => {
    const c = new ManualClock(1_000_000);
    const fired: string[] = [];
    c.setTimeout(() => fired.push(`b@${c.monotonic()}`), 200);
    c.setTimeout(() => fired.push(`a@${c.monotonic()}`), 100);
    const cancelled = c.setTimeout(() => fired.push('never'), 150);
    cancelled.cancel();
    c.advance(250);
    expect(fired).toEqual(['a@100', 'b@200']);
    expect(c.monotonic()).toBe(250);
    expect(c.now()).toBe(1_000_250);
  });
});

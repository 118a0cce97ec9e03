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

  it('nextTimerIn: the time to the earliest pending timer, for stepping from one to the next', () => {
    const c = new ManualClock(0);
    expect(c.nextTimerIn()).toBeUndefined();
    c.setTimeout(() => undefined, 300);
    const early = c.setTimeout(() => undefined, 100);
    expect(c.nextTimerIn()).toBe(100);
    early.cancel();
    expect(c.nextTimerIn()).toBe(300);
    c.advance(250);
    expect(c.nextTimerIn()).toBe(50);
    c.advance(50);
    expect(c.nextTimerIn()).toBeUndefined();
  });
});

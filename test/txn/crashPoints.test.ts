import { afterEach, describe, expect, it } from 'vitest';
import { isPosError } from '../../src/errors.js';
import {
  CRASH_POINTS_ENV,
  CRASH_SEED_ENV,
  crashPoint,
  parseCrashPoints,
  resetCrashPoints,
  seededRandom,
} from '../../src/txn/crashPoints.js';

const saved = { points: process.env[CRASH_POINTS_ENV], seed: process.env[CRASH_SEED_ENV] };
afterEach(() => {
  for (const [k, v] of [
    [CRASH_POINTS_ENV, saved.points],
    [CRASH_SEED_ENV, saved.seed],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetCrashPoints();
});

/** Calls the crash point n times with a recording kill; returns how many times it fired. */
function fired(name: Parameters<typeof crashPoint>[0], n: number): number {
  let kills = 0;
  for (let i = 0; i < n; i++) crashPoint(name, () => kills++);
  return kills;
}

describe('crash points', () => {
  it('parse NAME:probability lists', () => {
    expect([...parseCrashPoints('after-commit:0.05, after-answer:1,forward-after-answer:.5')]).toEqual([
      ['after-commit', 0.05],
      ['after-answer', 1],
      ['forward-after-answer', 0.5],
    ]);
    expect(parseCrashPoints('').size).toBe(0);
  });

  it.each(['after-commit', 'after-commit:2', 'nowhere:0.1', 'after-commit:-1', 'after-answer:x'])(
    'refuse %j with EMU_BAD_CRASH_POINTS',
    (text) => {
      let err: unknown;
      try {
        parseCrashPoints(text);
      } catch (e) {
        err = e;
      }
      expect(isPosError(err, 'EMU_BAD_CRASH_POINTS')).toBe(true);
    },
  );

  it('are inert without the environment variable', () => {
    delete process.env[CRASH_POINTS_ENV];
    resetCrashPoints();
    expect(fired('after-commit', 1000)).toBe(0);
  });

  it('fire with the configured probability, only at the named points', () => {
    process.env[CRASH_POINTS_ENV] = 'after-answer:1,forward-after-commit:0';
    resetCrashPoints();
    expect(fired('after-answer', 3)).toBe(3);
    expect(fired('forward-after-commit', 1000)).toBe(0);
    expect(fired('after-commit', 1000)).toBe(0);
  });

  it('repeat the same draws for the same seed', () => {
    process.env[CRASH_POINTS_ENV] = 'after-commit:0.3';
    const pattern = () => {
      resetCrashPoints();
      return Array.from({ length: 200 }, () => fired('after-commit', 1)).join('');
    };
    process.env[CRASH_SEED_ENV] = '42';
    const a = pattern();
    const b = pattern();
    process.env[CRASH_SEED_ENV] = '43';
    const c = pattern();
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    const rate = [...a].filter((x) => x === '1').length / a.length;
    expect(rate).toBeGreaterThan(0.15);
    expect(rate).toBeLessThan(0.45);
  });

  it('seededRandom stays in [0, 1)', () => {
    const r = seededRandom(7);
    for (let i = 0; i < 10_000; i++) {
      const x = r();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});

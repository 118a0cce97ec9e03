/** HostZone.parseHostTime reads digits by char code: it must agree with reading each part by Number(). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HostZone } from '../../../src/settlement/timeline/HostZone.js';

/** The plain way: each part through Number(), then the zone's instant of that wall time. */
function slow(zone: HostZone, s: string): number {
  const wall = Date.UTC(
    Number(s.slice(0, 4)),
    Number(s.slice(4, 6)) - 1,
    Number(s.slice(6, 8)),
    Number(s.slice(8, 10)),
    Number(s.slice(10, 12)),
    Number(s.slice(12, 14)),
  );
  const day = Math.floor(wall / 86_400_000);
  return zone.instant(day, wall - day * 86_400_000);
}

/** A value, or the error's name: a wall time that is not a time throws, either way. */
function outcome(f: () => number): number | string {
  try {
    return f();
  } catch (e) {
    return (e as Error).name;
  }
}

describe('HostZone.parseHostTime', () => {
  const zones = [new HostZone('Asia/Shanghai'), new HostZone('America/New_York')];

  it('14 digits, any values (overflowing months and hours too), in two zones', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{14}$/), (s) => {
        for (const z of zones) expect(z.parseHostTime(s)).toBe(slow(z, s));
      }),
      { numRuns: 3000 },
    );
    expect(zones[0].parseHostTime('20260331120000')).toBe(Date.parse('2026-03-31T12:00:00+08:00'));
  });

  it('anything else reads as Number() reads it (spaces, signs, short or long, non-ASCII digits)', () => {
    for (const s of [
      '2026033112000',
      '202603311200000',
      ' 2026033112000',
      '2026-3311200+0',
      '２０２６0331120000',
      '',
    ])
      expect(
        outcome(() => zones[0].parseHostTime(s)),
        s,
      ).toEqual(outcome(() => slow(zones[0], s)));
    fc.assert(
      fc.property(fc.string({ minLength: 10, maxLength: 16 }), (s) => {
        expect(outcome(() => zones[0].parseHostTime(s))).toEqual(outcome(() => slow(zones[0], s)));
      }),
      { numRuns: 2000 },
    );
  });
});

/** The fixed offsets agree with ICU's time-zone data; other zones go through Intl. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKnownTimeZone, zoneOffsetMs } from '../src/timeZone.js';
import { localParts } from '../src/txn/localTime.js';

function intlOffset(timeZone: string, utcMs: number): number {
  const at = Math.floor(utcMs / 1000) * 1000;
  const p: Record<string, number> = {};
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  for (const part of fmt.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
}

const SINCE_1992 = Date.UTC(1992, 0, 1);
const UNTIL_2100 = Date.UTC(2100, 0, 1);
const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Urumqi', 'UTC', 'Europe/Berlin'];

describe('zoneOffsetMs', () => {
  it('agrees with Intl for every zone at any instant from 1992 to 2100', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: SINCE_1992, max: UNTIL_2100 }), (zone, ms) => {
        expect(zoneOffsetMs(zone, ms)).toBe(intlOffset(zone, ms));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads earlier instants through Intl (Shanghai had summer time until 1991)', () => {
    const summer1991 = Date.UTC(1991, 6, 1);
    expect(zoneOffsetMs('Asia/Shanghai', summer1991)).toBe(9 * 3_600_000);
  });

  it('knows real zones and refuses made-up ones', () => {
    expect(isKnownTimeZone('Asia/Shanghai')).toBe(true);
    expect(isKnownTimeZone('America/New_York')).toBe(true);
    expect(isKnownTimeZone('Mars/Olympus')).toBe(false);
    expect(() => zoneOffsetMs('Mars/Olympus', Date.now())).toThrow(RangeError);
  });
});

describe('localParts', () => {
  it('gives fields 12/13 as the local clock shows them', () => {
    // 2026-12-31 16:30:05 UTC is 2027-01-01 00:30:05 in Shanghai
    expect(localParts(Date.UTC(2026, 11, 31, 16, 30, 5), 'Asia/Shanghai')).toEqual({
      mmdd: '0101',
      hhmmss: '003005',
      yymmdd: '270101',
    });
    // summer time in Berlin: UTC+2
    expect(localParts(Date.UTC(2026, 6, 1, 10, 0, 0), 'Europe/Berlin').hhmmss).toBe('120000');
  });
});
